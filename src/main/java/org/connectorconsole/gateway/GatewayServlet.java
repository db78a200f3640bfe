package org.connectorconsole.gateway;

import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's servlet in front of the MCP SDK's Streamable HTTP transport (protocol 2025-11-25 and the versions
 * before it). It answers what the SDK would answer badly (a protocol version it does not speak, a body too large,
 * an unexpected failure: a JSON error instead of a container error page with a stack trace), reads the JSON-RPC
 * message once so the handlers know the request's id (for cancellation), and keeps each MCP session to the
 * endpoint and member that opened it: a session id used on another endpoint, or by another member, is unknown
 * there (404, as for a session another console instance holds: the client starts a new session, as MCP asks).
 */
final class GatewayServlet extends HttpServlet {

    static final String MESSAGE_ID = "connector-console.gateway-message-id";
    static final Set<String> VERSIONS = Set.of(ProtocolVersions.MCP_2025_11_25, ProtocolVersions.MCP_2025_06_18,
            ProtocolVersions.MCP_2025_03_26);
    static final int MAX_BODY = 4 * 1024 * 1024;
    private static final int MAX_SESSIONS = 100_000;
    private static final Logger log = LoggerFactory.getLogger(GatewayServlet.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServletStreamableServerTransportProvider transport;
    /** Session id to the endpoint path and member that opened it (this instance's sessions only). */
    private final Map<String, String> owners = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_SESSIONS;
        }
    });

    /** The 2026-07-28 transport (stateless), once its server is built; null until then. */
    private volatile jakarta.servlet.http.HttpServlet modern;

    GatewayServlet(HttpServletStreamableServerTransportProvider transport) {
        this.transport = transport;
    }

    void modern(jakarta.servlet.http.HttpServlet modernTransport) {
        this.modern = modernTransport;
    }

    /**
     * A request of MCP 2026-07-28: it names its version on every request, and its method in a header. A request that
     * names a version this endpoint speaks otherwise is not one, even with an {@code Mcp-Method} header (a client
     * speaking both revisions may send it on every request; the conformance suite's DNS-rebinding probe does); one
     * that names an unknown version with that header is, so that the 2026-07-28 transport answers it with the
     * UnsupportedProtocolVersionError that revision asks for (JSON-RPC, with the request's id and the versions).
     */
    static boolean isModern(HttpServletRequest request) {
        String version = request.getHeader("MCP-Protocol-Version");
        if (MODERN_VERSION.equals(version)) {
            return true;
        }
        return (version == null || !VERSIONS.contains(version)) && request.getHeader("Mcp-Method") != null;
    }

    static final String MODERN_VERSION = "2026-07-28";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (!(request.getAttribute(GatewayRequest.ATTRIBUTE) instanceof GatewayRequest gateway)) {
            // the security filter chain lets nothing through without one; deny should it ever be bypassed
            jsonError(response, 401, "unauthorized", "Sign in first.");
            return;
        }
        String version = request.getHeader("MCP-Protocol-Version");
        jakarta.servlet.http.HttpServlet stateless = modern;
        boolean modernRequest = stateless != null && isModern(request);
        if (version != null && !VERSIONS.contains(version) && !modernRequest) {
            jsonError(response, 400, "unsupported_protocol_version", "This endpoint speaks MCP "
                    + String.join(", ", VERSIONS.stream().sorted().toList()) + (stateless != null ? ", "
                    + MODERN_VERSION : "") + "; not " + clean(version) + ".");
            return;
        }
        if (modernRequest) {
            if (request.getContentLengthLong() > MAX_BODY) {
                jsonError(response, 413, "too_large", "A request to this endpoint may be at most "
                        + (MAX_BODY / 1024 / 1024) + " MB.");
                return;
            }
            // 2026-07-28 is stateless: no session to keep, every request stands alone
            // the transport serves one path (its "endpoint"); ours are many, checked already by the security chain
            HttpServletRequest oneEndpoint = new HttpServletRequestWrapper(request) {
                @Override
                public String getRequestURI() {
                    return GatewayEndpoints.PREFIX;
                }
            };
            try {
                stateless.service(oneEndpoint, response);
            } catch (IOException | RuntimeException | ServletException e) {
                log.warn("The gateway could not answer a 2026-07-28 {} request: {}", request.getMethod(),
                        e.toString());
                if (!response.isCommitted()) {
                    jsonError(response, 500, "internal_error", "The gateway could not answer this request. Try "
                            + "again; if it keeps failing, tell an owner of your organization.");
                }
            }
            return;
        }
        String owner = gateway.endpoint().path() + " " + gateway.caller().member().value();
        String sessionId = request.getHeader("Mcp-Session-Id");
        if (sessionId != null && !owner.equals(owners.get(sessionId))) {
            jsonError(response, 404, "session_not_found", "This MCP session is unknown here: start a new one.");
            return;
        }
        HttpServletRequest forwarded = request;
        if ("POST".equals(request.getMethod())) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                jsonError(response, 413, "too_large", "A request to this endpoint may be at most "
                        + (MAX_BODY / 1024 / 1024) + " MB.");
                return;
            }
            request.setAttribute(MESSAGE_ID, messageId(body));
            forwarded = new CachedBody(request, body);
        }
        HttpServletResponse watched = new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                if ("Mcp-Session-Id".equalsIgnoreCase(name) && value != null) {
                    owners.put(value, owner);
                }
                super.setHeader(name, value);
            }
        };
        try {
            transport.service(forwarded, watched);
            if ("DELETE".equals(request.getMethod()) && sessionId != null && response.getStatus() == 200) {
                owners.remove(sessionId);
            }
        } catch (IOException | RuntimeException | ServletException e) {
            log.warn("The gateway could not answer a {} request: {}", request.getMethod(), e.toString());
            if (!response.isCommitted()) {
                jsonError(response, 500, "internal_error", "The gateway could not answer this request. Try again; "
                        + "if it keeps failing, tell an owner of your organization.");
            }
        }
    }

    /** Whether {@code sessionId} is a session of this instance opened by {@code member} on {@code path}. */
    boolean owns(String sessionId, String path, String memberId) {
        return (path + " " + memberId).equals(owners.get(sessionId));
    }

    private static Object messageId(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode id = node == null ? null : node.get("id");
            if (id == null || id.isNull()) {
                return null;
            }
            return id.isNumber() ? (Object) id.asLong() : id.asString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void jsonError(HttpServletResponse response, int status, String error, String message) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json;charset=UTF-8");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        response.getWriter().write(JSON.writeValueAsString(body));
    }

    private static String clean(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The request with its body read already (the transport reads it again from here). */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }
    }
}
