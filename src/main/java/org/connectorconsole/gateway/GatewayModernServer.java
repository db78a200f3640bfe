package org.connectorconsole.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.McpServer;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.RequestStateCodec;
import io.modelcontextprotocol.modern.server.feature.McpSyncTool;
import io.modelcontextprotocol.modern.server.feature.McpSyncToolRepository;
import io.modelcontextprotocol.modern.server.feature.PromptsFeature;
import io.modelcontextprotocol.modern.server.feature.ResourcesFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsPage;
import io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.SecretSealer;
import org.springframework.stereotype.Component;

/**
 * The gateway for MCP 2026-07-28 ({@code io.modelcontextprotocol.modern}): the SDK's stateless server over
 * {@link HttpServletMcpTransport}, with the same tools and the same call path as {@link GatewayMcpServer} serves
 * 2025-11-25 with ({@link GatewayToolListing} lists the tools a request may see for that request's member and
 * endpoint, {@link GatewayToolCalls} runs a call through the console's ToolCallRuntime). The request state a
 * multi-round request carries is sealed with the console's own keyset, bound to the endpoint and member (the
 * principal), so any instance opens it and no other member can replay it.
 * Resources and prompts pass through as on 2025-11-25, by the same {@link GatewayPassThrough} (decision 0066).
 * A tool that needs approval asks the member by an input request ({@link GatewayModernConfirmation}, decision 0073).
 */
@Component
class GatewayModernServer {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final Duration STATE_TTL = Duration.ofMinutes(10);

    private final GatewayToolListing listing;
    private final GatewayToolCalls calls;
    private final GatewayConfirmations confirmations;
    private final HttpServletMcpTransport transport;

    /** Built after {@code classic}, whose servlet hands a request of this protocol to this transport. */
    GatewayModernServer(GatewayMcpServer classic, GatewayToolListing listing, GatewayToolCalls calls,
            GatewayConfirmations confirmations, GatewayPassThrough passThrough, GatewayCompletions completions,
            SecretSealer sealer, Clock clock) {
        this.listing = listing;
        this.calls = calls;
        this.confirmations = confirmations;
        GatewayModernPassThrough resourcesAndPrompts = new GatewayModernPassThrough(passThrough);
        McpServer server = McpServer.builder()
                .serverInfo(new McpSchema.Implementation("connector-console-gateway", "Connector Console", "1.0",
                        null, null, null))
                .instructions(GatewayToolListing.INSTRUCTIONS)
                .feature(ToolsFeature.ofSync(new Tools()))
                .feature(ResourcesFeature.ofSync(resourcesAndPrompts.resources()))
                .feature(PromptsFeature.ofSync(resourcesAndPrompts.prompts()))
                .feature(completions.modernFeature())
                .requestStateCodec(new SealedState(sealer, clock))
                .build();
        this.transport = HttpServletMcpTransport.builder(server)
                .endpoint(org.connectorconsole.gateway.GatewayEndpoints.PREFIX)
                .maxRequestSize(GatewayServlet.MAX_BODY)
                // bearer tokens only on this path (no cookie is a credential), checked by the security chain
                .httpHeaderValidator(ServerHttpHeaderValidator.NOOP)
                .contextExtractor(request -> {
                    Map<String, Object> context = new HashMap<>();
                    context.put(GatewayRequest.CONTEXT_KEY, request.getAttribute(GatewayRequest.ATTRIBUTE));
                    return McpTransportContext.create(context);
                })
                .build();
        classic.servlet().modern(transport);
    }

    /** The request the security filter let through, as the transport's context extractor put it. */
    static GatewayRequest request(McpRequestContext ctx) {
        if (ctx.transportContext().get(GatewayRequest.CONTEXT_KEY) instanceof GatewayRequest request) {
            return request;
        }
        throw new McpException(-32600, "Not signed in.");
    }

    /** The client as the audit log names it (as it introduced itself, and the credential it holds). */
    static String clientName(McpRequestContext ctx) {
        McpSchema.Implementation info = ctx.clientInfo();
        return request(ctx).clientName(info == null ? null : info.name(), info == null ? null : info.version());
    }

    /** The member's tools on the request's endpoint, listed for each request (nothing is kept between them). */
    private final class Tools implements McpSyncToolRepository {

        @Override
        public ToolsPage list(McpRequestContext ctx, String cursor) {
            return ToolsPage.of(listing.offered(request(ctx)).values().stream()
                    .map(o -> JSON.convertValue(o.tool(), McpSchema.Tool.class)).toList());
        }

        @Override
        public McpSyncTool find(McpRequestContext ctx, String name) {
            // not listed again for a call (that would ask every server): the call path checks the tool, its
            // policy, its pin and the arguments against the pinned schema, and answers an unknown one
            if (GatewayToolNames.parse(name).isEmpty()) {
                return null;
            }
            McpSchema.Tool definition = new McpSchema.Tool(name, null, null, Map.of("type", "object"), null, null,
                    null, null);
            return McpSyncTool.of(definition, (call, request) -> McpSyncResponse.streaming(notifier -> {
                try {
                    io.modelcontextprotocol.spec.McpSchema.CallToolResult result = calls.call(request(call),
                            clientName(call),
                            request.name(), request.arguments(),
                            p -> notifier.progress(p.progress(), p.total(), p.message()),
                            new GatewayModernConfirmation(confirmations, call, request),
                            started -> { });
                    return JSON.convertValue(result, McpSchema.CallToolResult.class);
                } catch (GatewayModernConfirmation.AskFirst ask) {
                    // needs approval: this round asks the member; the client calls again with the answer
                    return ask.result;
                } catch (GatewayToolCalls.Refusal e) {
                    throw new McpException(e.code, e.getMessage(), e.data);
                }
            }));
        }
    }

    /**
     * Request state sealed with the console's keyset (AEAD): bound to the endpoint and member it was issued to, the
     * method and the primitive, and expiring after {@value} minutes; any console instance opens it.
     */
    private static final class SealedState implements RequestStateCodec {
        private final SecretSealer sealer;
        private final Clock clock;

        SealedState(SecretSealer sealer, Clock clock) {
            this.sealer = sealer;
            this.clock = clock;
        }

        private static String bound(McpRequestContext ctx) {
            GatewayRequest request = ctx.transportContext().get(GatewayRequest.CONTEXT_KEY) instanceof GatewayRequest r
                    ? r : null;
            String principal = request == null ? "" : request.endpoint().path() + " " + request.caller().member();
            return "gateway-request-state|" + principal + "|" + ctx.method() + "|" + ctx.primitiveName();
        }

        @Override
        public String seal(McpRequestContext ctx, String state) {
            long expires = clock.millis() + STATE_TTL.toMillis();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sealer.seal(expires + "|" + state,
                    bound(ctx)));
        }

        @Override
        public String open(McpRequestContext ctx, String sealed) {
            try {
                String plain = sealer.open(Base64.getUrlDecoder().decode(sealed.getBytes(StandardCharsets.US_ASCII)),
                        bound(ctx));
                int bar = plain.indexOf('|');
                return Long.parseLong(plain.substring(0, bar)) < clock.millis() ? null : plain.substring(bar + 1);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    List<String> versions() {
        return List.of(McpSchema.LATEST_PROTOCOL_VERSION);
    }
}
