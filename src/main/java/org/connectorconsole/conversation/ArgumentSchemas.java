package org.connectorconsole.conversation;

import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Checks arguments against a tool's input schema with the MCP SDK's JSON Schema validator (networknt). A fresh
 * validator per check: the SDK's shared one caches compiled schemas by {@code $id} (or hash) across every
 * organisation, so one server's schema could stand in for another's. A schema that refers outside itself
 * ({@code $ref} not starting with {@code #}) is not checked here — the console never fetches it — and the server
 * checks its own input.
 */
final class ArgumentSchemas {

    private ArgumentSchemas() {
    }

    /** What is wrong with {@code value}, or empty when it matches (or the schema cannot be checked here). */
    static Optional<String> problem(Map<String, Object> schema, Object value) {
        if (schema == null || schema.isEmpty() || refersOutside(schema)) {
            return Optional.empty();
        }
        try {
            var response = new DefaultJsonSchemaValidator().validate(schema, value);
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
