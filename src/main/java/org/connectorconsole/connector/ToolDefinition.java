package org.connectorconsole.connector;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.connectorconsole.mcp.ToolInfo;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool as its server defines it: what the console pins. The fingerprint is the SHA-256 of a canonical JSON of
 * name, title, description and input schema (object keys sorted at every depth), so a reordering of keys is not a
 * change, and any change of wording or schema is.
 */
public record ToolDefinition(String name, String title, String description, String inputSchemaJson) {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public static ToolDefinition of(ToolInfo tool) {
        return new ToolDefinition(tool.name(), tool.title(), tool.description(), tool.inputSchemaJson());
    }

    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJson()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The canonical JSON that the fingerprint covers. */
    public String canonicalJson() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("name", name);
        all.put("title", title);
        all.put("description", description);
        all.put("inputSchema", schema());
        return CANONICAL.writeValueAsString(all);
    }

    /** The input schema, pretty-printed with sorted keys: what an owner reads in a review. */
    public String readableSchema() {
        return CANONICAL.writerWithDefaultPrettyPrinter().writeValueAsString(schema());
    }

    private Object schema() {
        if (inputSchemaJson == null || inputSchemaJson.isBlank()) {
            return null;
        }
        try {
            return CANONICAL.readValue(inputSchemaJson, Object.class);
        } catch (JacksonException e) {
            return inputSchemaJson;
        }
    }

    /**
     * The definition as lines for a readable diff. Characters a reader cannot see (zero-width, direction marks,
     * other format and control characters) are written as {@code \\u{…}}, so a change in them shows.
     */
    public java.util.List<String> reviewLines() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("name: " + visible(name));
        lines.add("title: " + (title == null ? "" : visible(title)));
        lines.add("description:");
        for (String line : (description == null ? "" : description).split("\\R", -1)) {
            lines.add("  " + visible(line));
        }
        lines.add("input schema:");
        for (String line : readableSchema().split("\\R")) {
            lines.add("  " + visible(line));
        }
        return lines;
    }

    /** Kept with the diff's lines: a line break inside a value is already a line of its own. */
    static String visible(String text) {
        return org.connectorconsole.base.VisibleText.escape(text);
    }
}
