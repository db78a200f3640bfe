package org.connectorconsole.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpFeature;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code completion/complete} through the gateway on both revisions (decision 0073): the request's {@code ref}
 * ({@code ref/prompt} with a gateway prompt name, or {@code ref/resource} with the completion ref a listed template
 * names in its {@code _meta}), {@code argument} and {@code context} read from the JSON-RPC params as both revisions
 * send them, and answered by {@link GatewayPassThrough#complete} (scope, mapping back to upstream names, the member's
 * own sign-in, rate limits). The 2025-11-25 server calls {@link #complete}; the 2026-07-28 server gets
 * {@link #modernFeature()}, which announces the {@code completions} capability.
 */
@Component
class GatewayCompletions {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private final GatewayPassThrough passThrough;

    GatewayCompletions(GatewayPassThrough passThrough) {
        this.passThrough = passThrough;
    }

    /** The completion result as JSON (a map); bad params or a ref outside the member's scope: {@link GatewayPassThrough.Unknown}. */
    Map<String, Object> complete(GatewayRequest request, String clientName, Object params) {
        Map<?, ?> map = params instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> ref = map.get("ref") instanceof Map<?, ?> r ? r : Map.of();
        Map<?, ?> argument = map.get("argument") instanceof Map<?, ?> a ? a : Map.of();
        String type = text(ref.get("type"));
        String name = text("ref/prompt".equals(type) ? ref.get("name") : ref.get("uri"));
        Map<String, String> context = null;
        if (map.get("context") instanceof Map<?, ?> c && c.get("arguments") instanceof Map<?, ?> args) {
            context = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : args.entrySet()) {
                context.put(String.valueOf(e.getKey()), e.getValue() == null ? null : String.valueOf(e.getValue()));
            }
        }
        return passThrough.complete(request, clientName, type, name, text(argument.get("name")),
                text(argument.get("value")), context);
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }

    /** {@code completion/complete} for the 2026-07-28 server (the SDK's request context carries the member's request). */
    McpFeature modernFeature() {
        return new McpFeature() {
            @Override
            public Set<String> methods() {
                return Set.of("completion/complete");
            }

            @Override
            public Mono<McpAsyncResponse<McpSchema.CompleteResult>> handle(McpRequestContext ctx, Object params) {
                Mono<McpAsyncResponse<McpSchema.CompleteResult>> answer = Mono.fromCallable(() -> {
                    try {
                        return McpAsyncResponse.result(JSON.convertValue(GatewayCompletions.this.complete(
                                GatewayModernServer.request(ctx),
                                GatewayModernServer.clientName(ctx), params), McpSchema.CompleteResult.class));
                    } catch (GatewayPassThrough.Unknown e) {
                        throw new McpException(e.code, e.getMessage(), e.data);
                    }
                });
                return ctx.isBlocking() ? answer : answer.subscribeOn(Schedulers.boundedElastic());
            }

            @Override
            public void capabilities(McpSchema.ServerCapabilities.Builder builder) {
                builder.completions();
            }
        };
    }
}
