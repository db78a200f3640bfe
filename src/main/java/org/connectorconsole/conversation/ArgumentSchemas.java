package org.connectorconsole.conversation;

import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks arguments against a tool's input schema with the MCP SDK's JSON Schema validator (networknt). One
 * validator, whose compiled schemas are kept by their <em>whole text</em> (the SDK keys them by {@code $id} or a
 * hash, so one server's schema could stand in for another's; by the whole text, only the same schema can), at most
 * {@value #MAX_KEPT} (then forgotten all at once). Making a validator for each check cost more than the rest of a
 * gateway call's checks together (decision 0061). A schema that refers outside itself
 * ({@code $ref} not starting with {@code #}) is not checked here — the console never fetches it — and the server
 * checks its own input.
 */
final class ArgumentSchemas {

    static final int MAX_KEPT = 512;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DefaultJsonSchemaValidator VALIDATOR = new DefaultJsonSchemaValidator() {
        @Override
        protected String generateCacheKey(Map<String, Object> schema) {
            if (getCacheSize() >= MAX_KEPT) {
                clearCache();
            }
            return JSON.writeValueAsString(schema);
        }
    };

    private ArgumentSchemas() {
    }

    /** What is wrong with {@code value}, or empty when it matches (or the schema cannot be checked here). */
    static Optional<String> problem(Map<String, Object> schema, Object value) {
        if (schema == null || schema.isEmpty() || refersOutside(schema)) {
            return Optional.empty();
        }
        try {
            var response = VALIDATOR.validate(schema, value);
            return response.valid() ? Optional.empty() : Optional.ofNullable(response.errorMessage())
                    .or(() -> Optional.of("does not match the schema"));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean refersOutside(Object node) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if ("$ref".equals(e.getKey()) && !(e.getValue() instanceof String ref && ref.startsWith("#"))) {
                    return true;
                }
                if (refersOutside(e.getValue())) {
                    return true;
                }
            }
        } else if (node instanceof Collection<?> list) {
            for (Object item : list) {
                if (refersOutside(item)) {
                    return true;
                }
            }
        }
        return false;
    }
}
