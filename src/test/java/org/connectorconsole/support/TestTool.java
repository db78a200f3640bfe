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

    /**
     * Reports progress to the caller; throws when the caller is gone (its stream closed). Over 2025-11-25 it can also
     * ask the client for input ({@link #askForm}).
     */
    @FunctionalInterface
    public interface Progress {
        void report(double progress, Double total, String message);

        /** Asks the client for input in a form ({@code elicitation/create}): its action and content. */
        default Map<String, Object> askForm(String message, Map<String, Object> requestedSchema) {
            throw new UnsupportedOperationException("asking for input in this revision");
        }

        /** Asks the client to open {@code url} (URL-mode {@code elicitation/create}): the action. */
        default String askToOpen(String message, String url) {
            throw new UnsupportedOperationException("asking to open an address in this revision");
        }
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

    /**
     * Asks the member which colour (a required text with the default "teal", and a whole number with the default 3)
     * and answers with what came back: "accept {colour=…, count=…}", "decline" or "cancel".
     */
    public static TestTool askColour() {
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("colour", Map.of("type", "string", "title", "Favourite colour", "default", "teal"));
        properties.put("count", Map.of("type", "integer", "title", "How many", "minimum", 1, "maximum", 9,
                "default", 3));
        Map<String, Object> schema = Map.of("type", "object", "properties", properties, "required",
                List.of("colour"));
        return new TestTool("ask-colour", "Asks which colour to use", Map.of("type", "object"), false,
                (arguments, progress, revision) -> {
                    Map<String, Object> answer = progress.askForm("Which colour should the <b>report</b> use?",
                            schema);
                    Object action = answer.get("action");
                    return "accept".equals(action) ? "accept " + new java.util.TreeMap<>(
                            (Map<?, ?>) answer.get("content")) : String.valueOf(action);
                });
    }

    /** Asks the member to open the address it is given ({@code url}) and answers with the action that came back. */
    public static TestTool askToOpen() {
        return new TestTool("ask-to-open", "Asks you to sign the form on another site", Map.of("type", "object",
                "properties", Map.of("url", Map.of("type", "string")), "required", List.of("url")), false,
                (arguments, progress, revision) -> progress.askToOpen("Sign the form on our site to continue.",
                        String.valueOf(arguments.get("url"))));
    }

    public TestTool describedAs(String newDescription) {
        return new TestTool(name, newDescription, inputSchema, streams, handler);
    }

    SyncToolSpecification classic() {
        McpSchema.Tool tool = McpSchema.Tool.builder(name).description(description).inputSchema(inputSchema).build();
        return new SyncToolSpecification(tool, (exchange, request) -> {
            Object token = request.meta() == null ? null : request.meta().get("progressToken");
            Progress progress = new Progress() {
                @Override
                public void report(double value, Double total, String message) {
                    if (token != null) {
                        exchange.progressNotification(new McpSchema.ProgressNotification(token, value, total,
                                message));
                    }
                }

                @Override
                public Map<String, Object> askForm(String message, Map<String, Object> requestedSchema) {
                    McpSchema.ElicitResult result = exchange.createElicitation(
                            McpSchema.ElicitRequest.builder(message, requestedSchema).build());
                    Map<String, Object> answer = new java.util.HashMap<>();
                    answer.put("action", result.action().name().toLowerCase(java.util.Locale.ROOT));
                    answer.put("content", result.content());
                    return answer;
                }

                @Override
                public String askToOpen(String message, String url) {
                    McpSchema.ElicitResult result = exchange.createElicitation(McpSchema.ElicitUrlRequest
                            .builder(message, url, java.util.UUID.randomUUID().toString()).build());
                    return result.action().name().toLowerCase(java.util.Locale.ROOT)
                            + (result.content() == null ? "" : " with content");
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
                try {
                    return io.modelcontextprotocol.modern.server.McpSyncResponse.result(
                            result(handler.call(arguments, new MultiRoundTrip(request.inputResponses()), revision)));
                } catch (MultiRoundTrip.InputNeeded needed) {
                    return io.modelcontextprotocol.modern.server.McpSyncResponse.result(needed.result);
                }
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

    /**
     * Asking for input over 2026-07-28: the tool runs again from the start with the client's answers
     * ({@code inputResponses}); a question not yet answered ends the round with an {@code input_required} result.
     */
    private static final class MultiRoundTrip implements Progress {

        static final class InputNeeded extends RuntimeException {
            final io.modelcontextprotocol.modern.McpSchema.InputRequiredResult result;

            InputNeeded(io.modelcontextprotocol.modern.McpSchema.InputRequiredResult result) {
                super(null, null, false, false);
                this.result = result;
            }
        }

        private final Map<String, Object> answers;

        MultiRoundTrip(Map<String, Object> answers) {
            this.answers = answers == null ? Map.of() : answers;
        }

        @Override
        public void report(double progress, Double total, String message) {
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> askForm(String message, Map<String, Object> requestedSchema) {
            if (answers.get("form") instanceof Map<?, ?> answer) {
                return (Map<String, Object>) answer;
            }
            throw new InputNeeded(io.modelcontextprotocol.modern.McpSchema.InputRequiredResult.builder()
                    .elicit("form", new io.modelcontextprotocol.modern.McpSchema.ElicitFormRequest(message,
                            requestedSchema, null))
                    .build());
        }

        @Override
        public String askToOpen(String message, String url) {
            if (answers.get("open") instanceof Map<?, ?> answer) {
                return answer.get("action") + (answer.get("content") == null ? "" : " with content");
            }
            throw new InputNeeded(io.modelcontextprotocol.modern.McpSchema.InputRequiredResult.builder()
                    .elicitUrl("open", message, url).build());
        }
    }
}
