package org.connectorconsole.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.feature.McpSyncPrompt;
import io.modelcontextprotocol.modern.server.feature.McpSyncPromptRepository;
import io.modelcontextprotocol.modern.server.feature.McpSyncResource;
import io.modelcontextprotocol.modern.server.feature.McpSyncResourceRepository;
import io.modelcontextprotocol.modern.server.feature.PromptsPage;
import io.modelcontextprotocol.modern.server.feature.ResourceTemplatesPage;
import io.modelcontextprotocol.modern.server.feature.ResourcesPage;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.connectorconsole.mcp.McpToolSession;

/**
 * Resources and prompts of the upstream servers on the 2026-07-28 transport (decision 0066): the SDK's repositories
 * for {@code resources/*} and {@code prompts/*}, answered by {@link GatewayPassThrough} — the same scope, names,
 * wrapped URIs, sessions with the member's own sign-in, rate limits and audit as on 2025-11-25 (decision 0065). This
 * class only converts between that JSON and the modern SDK's types; it decides nothing.
 */
final class GatewayModernPassThrough {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private final GatewayPassThrough passThrough;

    GatewayModernPassThrough(GatewayPassThrough passThrough) {
        this.passThrough = passThrough;
    }

    /** {@code resources/list}, {@code resources/templates/list} and {@code resources/read}. */
    McpSyncResourceRepository resources() {
        return new McpSyncResourceRepository() {
            @Override
            public ResourcesPage list(McpRequestContext ctx, String cursor) {
                return ResourcesPage.of(listed(ctx, McpToolSession.Listing.RESOURCES, McpSchema.Resource.class));
            }

            @Override
            public ResourceTemplatesPage listTemplates(McpRequestContext ctx, String cursor) {
                return ResourceTemplatesPage.of(listed(ctx, McpToolSession.Listing.RESOURCE_TEMPLATES,
                        McpSchema.ResourceTemplate.class));
            }

            @Override
            public McpSyncResource find(McpRequestContext ctx, String uri) {
                // not listed again for a read (that would ask every server): the pass-through checks the connector
                // in the URI against the member's scope and refuses an unknown one before anything is sent
                return McpSyncResource.of((call, request) -> McpSyncResponse.result(refusedAsMcp(() -> JSON
                        .convertValue(passThrough.readResource(GatewayModernServer.request(call),
                                GatewayModernServer.clientName(call), request.uri()),
                                McpSchema.ReadResourceResult.class))));
            }
        };
    }

    /** {@code prompts/list} and {@code prompts/get}. */
    McpSyncPromptRepository prompts() {
        return new McpSyncPromptRepository() {
            @Override
            public PromptsPage list(McpRequestContext ctx, String cursor) {
                return PromptsPage.of(listed(ctx, McpToolSession.Listing.PROMPTS, McpSchema.Prompt.class));
            }

            @Override
            public McpSyncPrompt find(McpRequestContext ctx, String name) {
                // a definition without declared arguments: the upstream server checks its own
                McpSchema.Prompt definition = new McpSchema.Prompt(name, null, null, null, null, null);
                return McpSyncPrompt.of(definition, (call, request) -> McpSyncResponse.result(refusedAsMcp(() -> JSON
                        .convertValue(passThrough.getPrompt(GatewayModernServer.request(call),
                                GatewayModernServer.clientName(call), request.name(),
                                request.arguments() == null ? Map.of() : request.arguments()),
                                McpSchema.GetPromptResult.class))));
            }
        };
    }

    /** One of the pass-through's listings, as the modern SDK's type. */
    private <T> List<T> listed(McpRequestContext ctx, McpToolSession.Listing what, Class<T> type) {
        Map<String, Object> listing = passThrough.list(GatewayModernServer.request(ctx), what);
        return listing.values().stream().filter(List.class::isInstance).map(List.class::cast)
                .flatMap(List::stream).map(item -> JSON.convertValue(item, type)).toList();
    }

    /** A request refused before anything was sent upstream, as the JSON-RPC error the 2025-11-25 path answers. */
    private static <T> T refusedAsMcp(Supplier<T> answer) {
        try {
            return answer.get();
        } catch (GatewayPassThrough.Unknown e) {
            throw new McpException(e.code, e.getMessage(), e.data);
        }
    }
}
