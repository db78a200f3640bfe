package org.connectorconsole.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.ConnectorUnavailableException;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Resources and prompts of the upstream servers through the gateway (decision 0065): those of the connectors the
 * member may use and is connected to (on a conversation endpoint, only those switched on in it), each session opened
 * with the member's own sign-in through {@link ConnectionService#openSession} (which checks the connector is enabled
 * and the member may use it, as for a tool call). Prompts are named {@code <connectorKey>__<prompt>}; resource URIs
 * are wrapped as {@code console://<connectorKey>/<URL-encoded upstream URI>} (reversible without any state). A
 * resource read and a prompt got are audited.
 */
@Component
class GatewayPassThrough {

    static final String SCHEME = "console://";
    /** The {@code _meta} key of a listed resource template naming the ref to complete its upstream arguments by. */
    static final String COMPLETION_REF = "connectorConsole/completionRef";
    private static final Logger log = LoggerFactory.getLogger(GatewayPassThrough.class);
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final int MAX_PAGES = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ConnectionService connections;
    private final ConversationService conversations;
    private final ConnectorDirectory connectors;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final GatewayRateLimits limits;
    /** Upstream sessions these requests hold open at once on this instance (the tool runner has its own bound). */
    private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(MAX_CONCURRENT);
    static final int MAX_CONCURRENT = 16;

    GatewayPassThrough(ConnectionService connections, ConversationService conversations,
            ConnectorDirectory connectors, AuditService audit, TransactionTemplate tx, GatewayRateLimits limits) {
        this.limits = limits;
        this.connections = connections;
        this.conversations = conversations;
        this.connectors = connectors;
        this.audit = audit;
        this.tx = tx;
    }

    /** A request refused before anything was sent upstream: a JSON-RPC error with this message. */
    static final class Unknown extends RuntimeException {
        final int code;
        /** The error's {@code data}: for a resource, {@code {"uri": …}} as the client asked for it (SEP-2164). */
        final transient Object data;

        Unknown(String message) {
            this(message, -32602, null);
        }

        Unknown(String message, int code) {
            this(message, code, null);
        }

        private Unknown(String message, int code, Object data) {
            super(message);
            this.code = code;
            this.data = data;
        }

        static Unknown resource(String message, String uri) {
            return new Unknown(message, -32602, uri == null ? null : Map.of("uri", uri));
        }
    }

    /** The connectors in scope, by key: connected (or needing no sign-in), usable by the member, switched on in the conversation. */
    private Map<String, MemberConnector> inScope(GatewayRequest request) {
        Member member = request.member();
        Set<ConnectorId> scope = request.endpoint().conversation() == null ? null
                : conversations.switchedOn(member, request.endpoint().conversation());
        Map<ConnectorId, String> keys = connectors.keys(member.orgId());
        Map<String, MemberConnector> out = new LinkedHashMap<>();
        for (MemberConnector c : connections.listFor(member)) {
            String key = keys.get(c.id());
            if (key != null && (c.state() == MemberConnector.State.CONNECTED
                    || c.state() == MemberConnector.State.NO_SIGN_IN)
                    && (scope == null || scope.contains(c.id()))) {
                out.put(key, c);
            }
        }
        return out;
    }

    /**
     * Every connector's resources, resource templates or prompts, renamed; a connector that fails is left out
     * (its tools say why when called). No paging through the gateway: up to {@value #MAX_PAGES} pages per connector.
     */
    Map<String, Object> list(GatewayRequest request, McpToolSession.Listing what) {
        String field = switch (what) {
            case RESOURCES -> "resources";
            case RESOURCE_TEMPLATES -> "resourceTemplates";
            case PROMPTS -> "prompts";
        };
        List<Object> all = new ArrayList<>();
        for (Map.Entry<String, MemberConnector> e : inScope(request).entrySet()) {
            String key = e.getKey();
            try (McpToolSession session = open(request, e.getValue())) {
                String cursor = null;
                int pages = 0;
                do {
                    Map<String, Object> page = read(session.list(what, cursor));
                    if (page.get(field) instanceof List<?> items) {
                        for (Object item : items) {
                            if (item instanceof Map<?, ?> m) {
                                all.add(renamed(key, e.getValue().name(), what, m));
                            }
                        }
                    }
                    cursor = page.get("nextCursor") instanceof String s && !s.isEmpty() ? s : null;
                } while (cursor != null && ++pages < MAX_PAGES);
            } catch (ConnectorUnavailableException | McpProbeException | RuntimeException failed) {
                log.debug("Listing {} of {} through the gateway failed", field, key, failed);
            }
        }
        return Map.of(field, all);
    }

    private static Map<String, Object> renamed(String key, String connectorName, McpToolSession.Listing what,
            Map<?, ?> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(String.valueOf(k), v));
        switch (what) {
            case RESOURCES -> out.put("uri", wrap(key, String.valueOf(item.get("uri"))));
            case RESOURCE_TEMPLATES -> out.put("uriTemplate", SCHEME + key + "/{+upstream}");
            case PROMPTS -> out.put("name", key + GatewayToolNames.SEPARATOR + item.get("name"));
        }
        if (what == McpToolSession.Listing.RESOURCE_TEMPLATES) {
            // the upstream template, for the client to fill in and URL-encode into the gateway's
            out.put("description", connectorName + ": " + (item.get("description") == null ? ""
                    : item.get("description") + " ") + "Fill in " + item.get("uriTemplate")
                    + " and put it URL-encoded after " + SCHEME + key + "/.");
        }
        out.put("_meta", what == McpToolSession.Listing.RESOURCE_TEMPLATES
                ? Map.of("connectorConsole/connector", connectorName,
                        COMPLETION_REF, wrap(key, String.valueOf(item.get("uriTemplate"))))
                : Map.of("connectorConsole/connector", connectorName));
        return out;
    }

    static String wrap(String key, String upstreamUri) {
        return SCHEME + key + "/" + URLEncoder.encode(upstreamUri, StandardCharsets.UTF_8);
    }

    /** {@code resources/read} of a wrapped URI, audited. */
    Map<String, Object> readResource(GatewayRequest request, String clientName, String uri) {
        if (uri == null || !uri.startsWith(SCHEME) || uri.indexOf('/', SCHEME.length()) < 0) {
            throw Unknown.resource("Unknown resource: " + DisplayNames.clean(String.valueOf(uri))
                    + ". List the resources again.", uri);
        }
        int slash = uri.indexOf('/', SCHEME.length());
        String key = uri.substring(SCHEME.length(), slash);
        String upstream;
        try {
            upstream = URLDecoder.decode(uri.substring(slash + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw Unknown.resource("Unknown resource: the address is not URL-encoded after " + SCHEME + key + "/.", uri);
        }
        MemberConnector connector = inScope(request).get(key);
        if (connector == null) {
            throw Unknown.resource("Unknown resource: no connector " + DisplayNames.clean(key)
                    + " you may use here. List the resources again.", uri);
        }
        refuseOverLimit(request, clientName, connector);
        String outcome = "FAILED";
        try (McpToolSession session = open(request, connector)) {
            Map<String, Object> result = read(session.readResource(upstream));
            if (result.get("contents") instanceof List<?> contents) {
                List<Object> wrapped = new ArrayList<>();
                for (Object c : contents) {
                    if (c instanceof Map<?, ?> m) {
                        Map<String, Object> copy = new LinkedHashMap<>();
                        m.forEach((k, v) -> copy.put(String.valueOf(k), v));
                        if (copy.get("uri") instanceof String u) {
                            copy.put("uri", wrap(key, u));
                        }
                        wrapped.add(copy);
                    }
                }
                result.put("contents", wrapped);
            }
            outcome = "SUCCEEDED";
            return result;
        } catch (ConnectorUnavailableException | McpProbeException e) {
            throw new Unknown(e.getMessage());
        } finally {
            audited(request, clientName, AuditAction.GATEWAY_RESOURCE_READ, connector, "resource", upstream,
                    outcome);
        }
    }

    /** {@code prompts/get} of a gateway prompt name, audited. */
    Map<String, Object> getPrompt(GatewayRequest request, String clientName, String name,
            Map<String, String> arguments) {
        int at = name == null ? -1 : name.indexOf(GatewayToolNames.SEPARATOR);
        MemberConnector connector = at <= 0 ? null : inScope(request).get(name.substring(0, at));
        if (connector == null || at + 2 >= name.length()) {
            throw new Unknown("Unknown prompt: " + DisplayNames.clean(String.valueOf(name))
                    + ". List the prompts again.");
        }
        String prompt = name.substring(at + GatewayToolNames.SEPARATOR.length());
        refuseOverLimit(request, clientName, connector);
        String outcome = "FAILED";
        try (McpToolSession session = open(request, connector)) {
            Map<String, Object> result = read(session.getPrompt(prompt, arguments));
            outcome = "SUCCEEDED";
            return result;
        } catch (ConnectorUnavailableException | McpProbeException e) {
            throw new Unknown(e.getMessage());
        } finally {
            audited(request, clientName, AuditAction.GATEWAY_PROMPT_GOT, connector, "prompt", prompt, outcome);
        }
    }

    /**
     * {@code completion/complete} for an argument of a gateway prompt ({@code ref/prompt}: {@code <key>__<prompt>})
     * or of an upstream resource template ({@code ref/resource}: {@code console://<key>/<URL-encoded upstream
     * template>}, as each listed template names it in {@code _meta}), asked of that connector's server with the
     * member's own sign-in; a connector outside the member's scope is refused like a read. Counted by the rate
     * limits, not audited (it calls nothing).
     */
    Map<String, Object> complete(GatewayRequest request, String clientName, String refType, String ref,
            String argument, String value, Map<String, String> context) {
        boolean prompt = "ref/prompt".equals(refType);
        if (!prompt && !"ref/resource".equals(refType) || ref == null || argument == null) {
            throw new Unknown("A completion needs a ref (ref/prompt or ref/resource) and an argument.");
        }
        String key;
        String upstream;
        if (prompt) {
            int at = ref.indexOf(GatewayToolNames.SEPARATOR);
            key = at <= 0 ? null : ref.substring(0, at);
            upstream = at <= 0 ? null : ref.substring(at + GatewayToolNames.SEPARATOR.length());
        } else {
            int slash = ref.startsWith(SCHEME) ? ref.indexOf('/', SCHEME.length()) : -1;
            key = slash < 0 ? null : ref.substring(SCHEME.length(), slash);
            upstream = slash < 0 ? null : decoded(ref.substring(slash + 1));
        }
        MemberConnector connector = key == null || upstream == null || upstream.isEmpty() ? null
                : inScope(request).get(key);
        if (connector == null) {
            String what = prompt ? "Unknown prompt: " : "Unknown resource template: ";
            throw prompt ? new Unknown(what + DisplayNames.clean(ref) + ". List the prompts again.")
                    : Unknown.resource(what + DisplayNames.clean(ref) + ". List the resource templates again "
                            + "and complete the one named in its _meta (" + COMPLETION_REF + ").", ref);
        }
        refuseOverLimit(request, clientName, connector);
        try (McpToolSession session = open(request, connector)) {
            return read(session.complete(prompt, upstream, argument, value == null ? "" : value, context));
        } catch (ConnectorUnavailableException | McpProbeException e) {
            throw new Unknown(e.getMessage());
        }
    }

    private static String decoded(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The owners' rate limits count a read or a get as a call. */
    private void refuseOverLimit(GatewayRequest request, String clientName, MemberConnector connector) {
        String refusal = limits.take(request.settings(), request.member(), connector.id(), connector.name(),
                clientName);
        if (refusal != null) {
            throw new Unknown(refusal, -32029);
        }
    }

    /** A session with the member's own sign-in, within this instance's bound; released when it closes. */
    private McpToolSession open(GatewayRequest request, MemberConnector connector)
            throws ConnectorUnavailableException {
        if (!slots.tryAcquire()) {
            throw new ConnectorUnavailableException("The console is busy with many requests to connectors; try "
                    + "again in a moment.", false);
        }
        try {
            return connections.openSession(request.member(), connector.id(), TIMEOUT).whenClosed(slots::release);
        } catch (ConnectorUnavailableException | RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    private void audited(GatewayRequest request, String clientName, AuditAction action, MemberConnector connector,
            String what, String name, String outcome) {
        Member member = request.member();
        Map<String, String> details = new LinkedHashMap<>();
        details.put(what, name.length() > 500 ? name.substring(0, 500) : name);
        details.put("outcome", outcome);
        details.put("via", "gateway");
        details.put("client", clientName);
        if (request.endpoint().conversation() != null) {
            details.put("conversation", request.endpoint().conversation().toString());
        }
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(member.orgId(), member.actor(), action)
                .target("connector", connector.id().toString(), connector.name()).details(details)));
    }

    private static Map<String, Object> read(String json) {
        try {
            return new LinkedHashMap<>(JSON.readValue(json, new TypeRef<Map<String, Object>>() { }));
        } catch (IOException e) {
            throw new IllegalStateException("The server's answer could not be read", e);
        }
    }
}
