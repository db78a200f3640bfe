package org.connectorconsole.conversation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.ToolDefinition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** A tool call's arguments: read as a JSON object, checked against the pinned input schema, and hashed. */
final class ToolArguments {

    static final int MAX_BYTES = 256 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private ToolArguments() {
    }

    /** The arguments as a map: at most {@link #MAX_BYTES}, valid JSON, an object (blank means none). */
    static Map<String, Object> parse(String json) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new ValidationException("The arguments are larger than " + (MAX_BYTES / 1024) + " KB.");
        }
        Object value;
        try {
            value = JSON.readValue(json, Object.class);
        } catch (JacksonException e) {
            throw new ValidationException("The arguments are not valid JSON: " + e.getOriginalMessage());
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ValidationException("The arguments must be a JSON object ({ … }).");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = (Map<String, Object>) map;
        return arguments;
    }

    /** Checks the arguments against the pinned input schema, with the MCP SDK's JSON Schema validator. */
    static void validate(ToolDefinition definition, Map<String, Object> arguments) {
        if (definition == null || definition.inputSchemaJson() == null || definition.inputSchemaJson().isBlank()) {
            return;
        }
        Map<String, Object> schema;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = JSON.readValue(definition.inputSchemaJson(), Map.class);
            schema = parsed;
        } catch (JacksonException e) {
            return;
        }
        ArgumentSchemas.problem(schema, arguments).ifPresent(problem -> {
            throw new ValidationException("The arguments do not match what " + definition.name() + " expects: "
                    + ToolResults.trimmed(problem));
        });
    }

    /** The SHA-256 of the arguments in canonical form (keys sorted): what a member's confirmation names. */
    static String hash(String argumentsJson) {
        try {
            Object value = CANONICAL.readValue(argumentsJson, Object.class);
            return sha256(CANONICAL.writeValueAsString(value));
        } catch (JacksonException e) {
            return sha256(argumentsJson);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
