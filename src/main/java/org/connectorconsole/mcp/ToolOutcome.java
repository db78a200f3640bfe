package org.connectorconsole.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A tool's answer, reduced to what the console shows: text, images (base64 with their media type) and anything
 * else as JSON. {@code isError} is the tool's own report of failure; {@code structuredJson} its structured
 * content, as JSON text, or null.
 */
public record ToolOutcome(List<Part> content, boolean isError, String structuredJson) {

    /** One part of the content. {@code kind} is text, image, or the MCP type of anything else. */
    public record Part(String kind, String text, String mimeType, String data) {

        public static Part text(String text) {
            return new Part("text", text, null, null);
        }

        public static Part image(String mimeType, String base64) {
            return new Part("image", null, mimeType, base64);
        }

        public static Part other(String type, String json) {
            return new Part(type, json, null, null);
        }
    }

    public ToolOutcome {
        content = List.copyOf(content);
    }

    static ToolOutcome of(McpSchema.CallToolResult result) {
        List<Part> parts = new ArrayList<>();
        if (result.content() != null) {
            for (McpSchema.Content c : result.content()) {
                if (c instanceof McpSchema.TextContent text) {
                    parts.add(Part.text(text.text()));
                } else if (c instanceof McpSchema.ImageContent image) {
                    parts.add(Part.image(image.mimeType(), image.data()));
                } else {
                    parts.add(Part.other(c.type(), json(c)));
                }
            }
        }
        String structured = result.structuredContent() == null ? null : json(result.structuredContent());
        return new ToolOutcome(parts, Boolean.TRUE.equals(result.isError()), structured);
    }

    static ToolOutcome of(io.modelcontextprotocol.modern.McpSchema.CallToolResult result) {
        List<Part> parts = new ArrayList<>();
        if (result.content() != null) {
            for (io.modelcontextprotocol.modern.McpSchema.Content c : result.content()) {
                if (c instanceof io.modelcontextprotocol.modern.McpSchema.TextContent text) {
                    parts.add(Part.text(text.text()));
                } else if (c instanceof io.modelcontextprotocol.modern.McpSchema.ImageContent image) {
                    parts.add(Part.image(image.mimeType(), image.data()));
                } else {
                    parts.add(Part.other(c.type(), json(c)));
                }
            }
        }
        String structured = result.structuredContent() == null ? null : json(result.structuredContent());
        return new ToolOutcome(parts, Boolean.TRUE.equals(result.isError()), structured);
    }

    private static String json(Object value) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(value);
        } catch (IOException e) {
            return String.valueOf(value);
        }
    }
}
