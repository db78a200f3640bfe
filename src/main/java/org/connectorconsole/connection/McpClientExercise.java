package org.connectorconsole.connection;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.FormAnswerer;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.SessionOptions;
import org.connectorconsole.mcp.ToolCallException;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.mcp.TransportKind;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the headless {@code mcp-auth-client} does once it may talk to the server, through the same session class
 * the console's tool calls use ({@link McpToolSession}: the revision negotiated, 2026-07-28 first): list the tools,
 * then call the ones {@code MCP_CONFORMANCE_CONTEXT} names in {@code toolCalls} (with their arguments), or else
 * every listed tool with arguments made from its input schema. A server asking for input in a form is answered
 * with the form's defaults (there is no person to ask). A tool the server refuses with a JSON-RPC error is reported
 * and the next one called; a 401 or 403 comes back as the exception, for the caller to authorize again.
 */
final class McpClientExercise {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A tool call to make: its name and arguments. */
    record Call(String name, Map<String, Object> arguments) {
    }

    private McpClientExercise() {
    }

    /** The calls {@code MCP_CONFORMANCE_CONTEXT} names in {@code toolCalls}, or null when it names none. */
    static List<Call> calls(String context) {
        if (context == null || context.isBlank()) {
            return null;
        }
        JsonNode calls = JSON.readTree(context).path("toolCalls");
        if (!calls.isArray()) {
            return null;
        }
        List<Call> out = new ArrayList<>();
        for (JsonNode call : calls) {
            @SuppressWarnings("unchecked")
            Map<String, Object> arguments = call.path("arguments").isObject()
                    ? JSON.convertValue(call.path("arguments"), Map.class) : Map.of();
            out.add(new Call(call.path("name").asString(), arguments));
        }
        return out;
    }

    /** Opens a session, lists and calls; returns the line to print. */
    static String run(EgressClient egress, URI url, String token, List<Call> calls, Duration timeout,
            PrintStream out) throws McpProbeException {
        try (McpToolSession session = McpToolSession.open(egress, url, TransportKind.STREAMABLE_HTTP, timeout,
                timeout, token, new SessionOptions(FormAnswerer.ACCEPT_DEFAULTS))) {
            McpToolSession.ToolListing listing = session.listTools();
            List<Call> toMake = calls != null ? calls : listing.tools().stream()
                    .map(t -> new Call(t.name(), arguments(t))).toList();
            for (Call call : toMake) {
                try {
                    ToolOutcome outcome = session.call(call.name(), call.arguments(), p -> { });
                    out.println("Called " + call.name() + ": " + (outcome.isError() ? "tool error" : "ok"));
                } catch (ToolCallException e) {
                    if (e.kind() != ToolCallException.Kind.SERVER_ERROR) {
                        throw e;
                    }
                    // the server refused this one tool (it may list a tool it does not implement): say so, go on
                    out.println("Called " + call.name() + ": " + e.getMessage());
                }
            }
            return "Session with " + session.serverName() + " (MCP " + session.protocolVersion() + "), "
                    + listing.tools().size() + " tools.";
        }
    }

    /** Arguments for a tool's required properties: each one's default, or a value of its type. */
    static Map<String, Object> arguments(ToolInfo tool) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        JsonNode schema = tool.inputSchemaJson() == null ? null : JSON.readTree(tool.inputSchemaJson());
        if (schema == null || !schema.path("required").isArray()) {
            return arguments;
        }
        for (JsonNode name : schema.path("required")) {
            JsonNode property = schema.path("properties").path(name.asString());
            arguments.put(name.asString(), sample(property));
        }
        return arguments;
    }

    private static Object sample(JsonNode property) {
        if (property.has("default")) {
            return JSON.convertValue(property.get("default"), Object.class);
        }
        if (property.path("enum").isArray() && !property.path("enum").isEmpty()) {
            return JSON.convertValue(property.path("enum").get(0), Object.class);
        }
        return switch (property.path("type").asString("string")) {
            case "integer", "number" -> 1;
            case "boolean" -> true;
            case "array" -> List.of();
            case "object" -> Map.of();
            default -> "test";
        };
    }
}
