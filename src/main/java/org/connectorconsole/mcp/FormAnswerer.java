package org.connectorconsole.mcp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers a server that asks for input in a form during a request (form-mode elicitation: a server-initiated
 * {@code elicitation/create} in 2025-11-25, an input request in an {@code input_required} result in 2026-07-28).
 * A session given none declares no elicitation capability, and a request that needs input fails.
 */
@FunctionalInterface
public interface FormAnswerer {

    Answer answer(String message, Map<String, Object> requestedSchema);

    /** The person's answer: accepted with {@code content}, declined, or cancelled. */
    record Answer(Action action, Map<String, Object> content) {

        public enum Action { ACCEPT, DECLINE, CANCEL }

        public static Answer accept(Map<String, Object> content) {
            return new Answer(Action.ACCEPT, Map.copyOf(content));
        }

        /** URL mode: the person agreed to open the address; no content. */
        public static Answer acceptWithoutContent() {
            return new Answer(Action.ACCEPT, null);
        }

        public static Answer decline() {
            return new Answer(Action.DECLINE, null);
        }

        public static Answer cancel() {
            return new Answer(Action.CANCEL, null);
        }
    }

    /**
     * Accepts at once with every default the form names (SEP-1034): for a client without a person, such as the
     * headless {@code mcp-auth-client}.
     */
    FormAnswerer ACCEPT_DEFAULTS = (message, schema) -> Answer.accept(defaults(schema));

    /** The {@code default} of each property of a requested schema that names one. */
    static Map<String, Object> defaults(Map<String, Object> requestedSchema) {
        Map<String, Object> content = new LinkedHashMap<>();
        if (requestedSchema != null && requestedSchema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, property) -> {
                if (property instanceof Map<?, ?> p && p.containsKey("default") && p.get("default") != null) {
                    content.put(String.valueOf(name), p.get("default"));
                }
            });
        }
        return content;
    }
}
