package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The validator keeps compiled schemas by their whole text: two servers' schemas with the same {@code $id} but
 * different rules are each checked by their own rules, whichever was compiled first.
 */
class ArgumentSchemasTest {

    private static Map<String, Object> schema(String id, String required) {
        return Map.of("$id", id, "type", "object",
                "properties", Map.of(required, Map.of("type", "string")), "required", List.of(required));
    }

    @Test
    void schemas_sharing_an_id_are_checked_each_by_its_own_rules() {
        Map<String, Object> first = schema("https://example.test/args", "path");
        Map<String, Object> second = schema("https://example.test/args", "query");

        assertThat(ArgumentSchemas.problem(first, Map.of("path", "/a"))).isEmpty();
        assertThat(ArgumentSchemas.problem(second, Map.of("path", "/a"))).isPresent();
        assertThat(ArgumentSchemas.problem(second, Map.of("query", "q"))).isEmpty();
        assertThat(ArgumentSchemas.problem(first, Map.of("query", "q"))).isPresent();
    }

    @Test
    void more_schemas_than_are_kept_are_all_still_checked() {
        for (int i = 0; i < ArgumentSchemas.MAX_KEPT + 10; i++) {
            Map<String, Object> s = schema("urn:test:" + i, "field" + i);
            assertThat(ArgumentSchemas.problem(s, Map.of("field" + i, "x"))).isEmpty();
            assertThat(ArgumentSchemas.problem(s, Map.of("other", "x"))).isPresent();
        }
    }
}
