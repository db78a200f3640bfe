package org.connectorconsole.support;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.connectorconsole.mcp.ProtocolRevision;

/**
 * A tool as a test server offers it in either revision: its name, description and input schema, and the text a call
 * returns. {@link #classic()} serves it with the MCP SDK's classic server (2025-11-25), {@link #modern()} with its
 * 2026-07-28 server; a server speaking both offers the same definition both ways.
 */
public record TestTool(String name, String description, Map<String, Object> inputSchema,
        Function<Map<String, Object>, String> handler) {

    public static TestTool echo() {
        return new TestTool("echo", "Repeats the message it is given", Map.of("type", "object", "properties",
                Map.of("message", Map.of("type", "string", "description", "What to repeat")),
                "required", List.of("message")), arguments -> String.valueOf(arguments.get("message")));
    }

    /** Answers which way the call arrived: "INITIALIZE", or "DISCOVER 2026-07-28". */
    public static TestTool whichRevision() {
        return new TestTool("which", "Says which revision the call came in", Map.of("type", "object"),
                arguments -> "unused");
    }

    public TestTool describedAs(String newDescription) {
        return new TestTool(name, newDescription, inputSchema, handler);
    }

    SyncToolSpecification classic() {
        McpSchema.Tool tool = McpSchema.Tool.builder(name).description(description).inputSchema(inputSchema).build();
        return new SyncToolSpecification(tool, (exchange, request) -> McpSchema.CallToolResult.builder()
                .addTextContent(name.equals("which") ? ProtocolRevision.INITIALIZE.name()
                        : handler.apply(request.arguments() == null ? Map.of() : request.arguments()))
                .build());
    }

    io.modelcontextprotocol.modern.server.feature.McpSyncTool modern() {
        var tool = new io.modelcontextprotocol.modern.McpSchema.Tool(name, null, description, inputSchema, null, null,
                null, null);
        return io.modelcontextprotocol.modern.server.feature.McpSyncTool.of(tool, (ctx, request) ->
                io.modelcontextprotocol.modern.server.McpSyncResponse.result(
                        io.modelcontextprotocol.modern.McpSchema.CallToolResult.builder()
                                .addContent(io.modelcontextprotocol.modern.McpSchema.TextContent.builder(
                                        name.equals("which") ? ProtocolRevision.DISCOVER + " " + ctx.protocolVersion()
                                                : handler.apply(request.arguments() == null ? Map.of()
                                                        : request.arguments())).build())
                                .build()));
    }
}
