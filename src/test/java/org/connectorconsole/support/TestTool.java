package org.connectorconsole.support;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.connectorconsole.mcp.ProtocolRevision;

/**
 * A tool as a test server offers it in either revision: its name, description and input schema, and the text a call
 * returns. {@link #classic()} serves it with the MCP SDK's classic server (2025-11-25), {@link #modern()} with its
 * 2026-07-28 server; a server speaking both offers the same definition both ways. A tool that {@code streams}
 * answers with an event stream and may report progress while it works.
 */
public record TestTool(String name, String description, Map<String, Object> inputSchema, boolean streams,
        Handler handler) {

    /** What a call does: its result text, from its arguments and (when it streams) a way to report progress. */
    @FunctionalInterface
    public interface Handler {
        String call(Map<String, Object> arguments, Progress progress, String revision);
    }

    /** Reports progress to the caller; throws when the caller is gone (its stream closed). */
    @FunctionalInterface
    public interface Progress {
        void report(double progress, Double total, String message);
    }

    public static TestTool echo() {
        return new TestTool("echo", "Repeats the message it is given", Map.of("type", "object", "properties",
                Map.of("message", Map.of("type", "string", "description", "What to repeat")),
                "required", List.of("message")), false, (arguments, progress, revision) ->
                        String.valueOf(arguments.get("message")));
    }

    /** Answers which way the call arrived: "INITIALIZE", or "DISCOVER 2026-07-28". */
    public static TestTool whichRevision() {
        return new TestTool("which", "Says which revision the call came in", Map.of("type", "object"), false,
                (arguments, progress, revision) -> revision);
    }

    /** Works for {@code seconds} (an argument), reporting progress every 100 ms ("started" first). */
    public static TestTool slow() {
        return new TestTool("slow", "Takes as long as it is told", Map.of("type", "object", "properties",
                Map.of("seconds", Map.of("type", "integer")), "required", List.of("seconds")), true,
                (arguments, progress, revision) -> {
                    int steps = ((Number) arguments.get("seconds")).intValue() * 10;
                    for (int i = 0; i < steps; i++) {
                        progress.report(i, (double) steps, i == 0 ? "started" : null);
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return "interrupted";
                        }
                    }
                    return "done";
                });
    }

    public TestTool describedAs(String newDescription) {
        return new TestTool(name, newDescription, inputSchema, streams, handler);
    }

    SyncToolSpecification classic() {
        McpSchema.Tool tool = McpSchema.Tool.builder(name).description(description).inputSchema(inputSchema).build();
        return new SyncToolSpecification(tool, (exchange, request) -> {
            Object token = request.meta() == null ? null : request.meta().get("progressToken");
            Progress progress = (value, total, message) -> {
                if (token != null) {
                    exchange.progressNotification(new McpSchema.ProgressNotification(token, value, total, message));
                }
            };
            return McpSchema.CallToolResult.builder()
                    .addTextContent(handler.call(request.arguments() == null ? Map.of() : request.arguments(),
                            progress, ProtocolRevision.INITIALIZE.name()))
                    .build();
        });
    }

    io.modelcontextprotocol.modern.server.feature.McpSyncTool modern() {
        var tool = new io.modelcontextprotocol.modern.McpSchema.Tool(name, null, description, inputSchema, null, null,
                null, null);
        return io.modelcontextprotocol.modern.server.feature.McpSyncTool.of(tool, (ctx, request) -> {
            Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
            String revision = ProtocolRevision.DISCOVER + " " + ctx.protocolVersion();
            if (!streams) {
                return io.modelcontextprotocol.modern.server.McpSyncResponse.result(
                        result(handler.call(arguments, (v, t, m) -> { }, revision)));
            }
            return io.modelcontextprotocol.modern.server.McpSyncResponse.streaming(notifier ->
                    result(handler.call(arguments, notifier::progress, revision)));
        });
    }

    private static io.modelcontextprotocol.modern.McpSchema.CallToolResult result(String text) {
        return io.modelcontextprotocol.modern.McpSchema.CallToolResult.builder()
                .addContent(io.modelcontextprotocol.modern.McpSchema.TextContent.builder(text).build())
                .build();
    }
}
