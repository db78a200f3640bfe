package org.connectorconsole.conversation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The form for a tool's arguments, read from its JSON input schema: a text, number, whole-number, yes/no or
 * choice field for each simple property, and a JSON editor (checked as you type) for nested objects, arrays and
 * anything the schema describes in a way a simple field cannot hold. A schema without properties gets one JSON
 * editor for all the arguments.
 */
public record ToolForm(List<Field> fields, boolean wholeArgumentsAsJson) {

    /** The JSON editor's name when the whole arguments object is one editor. */
    public static final String ALL = "";

    public enum Kind { TEXT, NUMBER, INTEGER, BOOLEAN, CHOICE, JSON }

    /**
     * One field. {@code choices} are the enum values as JSON literals (for CHOICE); {@code defaultValue} the
     * schema's default, as JSON, or null; {@code schemaJson} the property's own schema (for a JSON editor's check).
     */
    public record Field(String name, String label, String description, Kind kind, boolean required,
            List<String> choices, String defaultValue, String schemaJson) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ToolForm {
        fields = List.copyOf(fields);
    }

    @SuppressWarnings("unchecked")
    public static ToolForm of(String inputSchemaJson) {
        Map<String, Object> schema;
        try {
            Object parsed = inputSchemaJson == null ? null : JSON.readValue(inputSchemaJson, Object.class);
            schema = parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (JacksonException e) {
            schema = Map.of();
        }
        Object props = schema.get("properties");
        if (!(props instanceof Map<?, ?> properties) || properties.isEmpty()) {
            boolean takesNothing = "object".equals(schema.get("type")) && props instanceof Map<?, ?>
                    && !Boolean.TRUE.equals(schema.get("additionalProperties"));
            return takesNothing ? new ToolForm(List.of(), false)
                    : new ToolForm(List.of(new Field(ALL, "Arguments (JSON object)", null, Kind.JSON, false, List.of(),
                            "{}", inputSchemaJson)), true);
        }
        Set<Object> required = schema.get("required") instanceof List<?> list ? Set.copyOf(list) : Set.of();
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<?, ?> entry : properties.entrySet()) {
            String name = String.valueOf(entry.getKey());
            Map<String, Object> property = entry.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m
                    : Map.of();
            String title = property.get("title") instanceof String t && !t.isBlank() ? t : name;
            String description = property.get("description") instanceof String d ? d : null;
            Object defaultValue = property.get("default");
            // a property's schema may refer to the root's definitions: carry them along for the editor's check
            Map<String, Object> own = new LinkedHashMap<>(property);
            for (String definitions : List.of("$defs", "definitions")) {
                if (schema.get(definitions) instanceof Map<?, ?> defs && !own.containsKey(definitions)) {
                    own.put(definitions, defs);
                }
            }
            fields.add(new Field(name, title, description, kindOf(property), required.contains(name),
                    choices(property), defaultValue == null ? null : JSON.writeValueAsString(defaultValue),
                    JSON.writeValueAsString(own)));
        }
        return new ToolForm(fields, false);
    }

    private static Kind kindOf(Map<String, Object> property) {
        if (property.get("enum") instanceof List<?> values && !values.isEmpty()
                && values.stream().allMatch(v -> v instanceof String || v instanceof Number || v instanceof Boolean)) {
            return Kind.CHOICE;
        }
        if (property.containsKey("anyOf") || property.containsKey("oneOf") || property.containsKey("allOf")) {
            return Kind.JSON;
        }
        String type = typeOf(property.get("type"));
        return switch (type == null ? "" : type) {
            case "string" -> Kind.TEXT;
            case "number" -> Kind.NUMBER;
            case "integer" -> Kind.INTEGER;
            case "boolean" -> Kind.BOOLEAN;
            default -> Kind.JSON;
        };
    }

    /** {@code "string"} or {@code ["string", "null"]}: the one non-null type, else null (a JSON editor). */
    private static String typeOf(Object type) {
        if (type instanceof String s) {
            return s;
        }
        if (type instanceof List<?> list) {
            List<?> nonNull = list.stream().filter(t -> !"null".equals(t)).toList();
            return nonNull.size() == 1 && nonNull.getFirst() instanceof String s ? s : null;
        }
        return null;
    }

    private static List<String> choices(Map<String, Object> property) {
        if (property.get("enum") instanceof List<?> values) {
            return values.stream().map(JSON::writeValueAsString).toList();
        }
        return List.of();
    }

    /**
     * What is wrong with a JSON editor's text, in a person's words, or empty when it is valid JSON that matches
     * the field's schema.
     */
    @SuppressWarnings("unchecked")
    public static Optional<String> problemWithJson(Field field, String text) {
        if (text == null || text.isBlank()) {
            return field.required() ? Optional.of("Required.") : Optional.empty();
        }
        Object value;
        try {
            value = JSON.readValue(text, Object.class);
        } catch (JacksonException e) {
            return Optional.of("Not valid JSON: " + e.getOriginalMessage());
        }
        if (ALL.equals(field.name()) && !(value instanceof Map)) {
            return Optional.of("The arguments must be a JSON object ({ … }).");
        }
        Object schema;
        try {
            schema = field.schemaJson() == null ? null : JSON.readValue(field.schemaJson(), Object.class);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        return schema instanceof Map<?, ?> map ? ArgumentSchemas.problem((Map<String, Object>) map, value)
                : Optional.empty();
    }

    /**
     * The arguments object from the values a person entered (by field name): empty optional fields are left out,
     * JSON editors contribute their parsed value. The caller has checked the JSON editors.
     */
    @SuppressWarnings("unchecked")
    public String argumentsJson(Map<String, Object> values) {
        if (wholeArgumentsAsJson) {
            Object text = values.get(ALL);
            return text == null || String.valueOf(text).isBlank() ? "{}" : String.valueOf(text);
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (Field field : fields) {
            Object value = values.get(field.name());
            if (value == null || value instanceof String s && s.isEmpty() && field.kind() != Kind.TEXT) {
                continue;
            }
            if (value instanceof String s && s.isEmpty() && !field.required()) {
                continue;
            }
            switch (field.kind()) {
                case JSON, CHOICE -> arguments.put(field.name(), JSON.readValue(String.valueOf(value), Object.class));
                case INTEGER -> arguments.put(field.name(), value instanceof Number n ? n.longValue() : value);
                default -> arguments.put(field.name(), value);
            }
        }
        return JSON.writeValueAsString(arguments);
    }
}
