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
}
