package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.connectorconsole.mcp.ToolOutcome;
import org.junit.jupiter.api.Test;

/** What the history keeps of a result, and what the member is told when it keeps less. */
class ResultCapTest {

    @Test
    void aResultThatFitsIsKeptWholeWithoutANote() {
        ToolOutcome small = new ToolOutcome(List.of(ToolOutcome.Part.text("hello")), false, null);

        assertThat(ResultCap.capped(small)).isSameAs(small);
        assertThat(ResultCap.note(small, ResultCap.capped(small))).isNull();
    }

    @Test
    void aLargerResultIsShortenedAndTheNoteSaysTheLimitInKilobytes() {
        ToolOutcome large = new ToolOutcome(List.of(ToolOutcome.Part.text("x".repeat(600 * 1024))), false, null);

        ToolOutcome kept = ResultCap.capped(large);

        assertThat(kept.content().getFirst().text()).endsWith("[… shortened]").hasSizeLessThan(512 * 1024);
        assertThat(ResultCap.note(large, kept))
                .isEqualTo("The result was larger than 512 KB; the history keeps a shortened copy.");
    }

    @Test
    void aShortenedCopyFitsTheLimitInBytesEvenWhenEveryCharacterTakesSeveral() {
        // "é" is two bytes in UTF-8, a control character six in JSON ("\u0001"), an emoji a surrogate pair
        for (String unit : List.of("é", "\u0001", "\uD83D\uDE00")) {
            ToolOutcome large = new ToolOutcome(List.of(ToolOutcome.Part.text(unit.repeat(400 * 1024))), false, null);

            ToolOutcome kept = ResultCap.capped(large);

            assertThat(JSON.writeValueAsString(kept).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .as("kept copy of %s", unit).hasSizeLessThanOrEqualTo(ResultCap.MAX_RESULT_BYTES);
            String text = kept.content().getFirst().text();
            assertThat(Character.isHighSurrogate(text.charAt(text.indexOf("\n[… shortened]") - 1)))
                    .as("not cut inside a surrogate pair").isFalse();
        }
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();
}
