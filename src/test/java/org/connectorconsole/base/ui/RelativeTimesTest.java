package org.connectorconsole.base.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Relative times tick: one ticker per UI rewrites every label, and stops when the UI shows none. */
class RelativeTimesTest {

    private final Instant start = Instant.parse("2026-12-05T01:00:00Z");
    private Clock clock = Clock.fixed(start, ZoneOffset.UTC);

    @BeforeEach
    void setUp() {
        MockVaadin.setup();
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
    }

    @Test
    void labels_tick_together_and_the_ticker_stops_when_none_is_shown() {
        UI ui = UI.getCurrent();
        RelativeTimes ticker = RelativeTimes.of(ui);
        ticker.useClock(clock);
        RelativeTime used = new RelativeTime(start.minusSeconds(10), ago -> "last used " + ago);
        RelativeTime checked = new RelativeTime(start.minus(Duration.ofMinutes(2)));
        Div page = new Div(used, checked);
        ui.add(page);
        assertThat(used.getText()).isEqualTo("last used just now");
        assertThat(checked.getText()).isEqualTo("2 min ago");
        assertThat(RelativeTimes.of(ui)).as("one ticker per UI").isSameAs(ticker);
        assertThat(ticker.labelCount()).isEqualTo(2);
        assertThat(ticker.ticking()).isTrue();

        ticker.useClock(Clock.offset(clock, Duration.ofMinutes(3)));
        assertThat(used.getText()).isEqualTo("last used 3 min ago");
        assertThat(checked.getText()).isEqualTo("5 min ago");
        ticker.useClock(Clock.offset(clock, Duration.ofHours(2)));
        assertThat(used.getText()).isEqualTo("last used 2 h ago");

        page.remove(checked);
        assertThat(ticker.labelCount()).isEqualTo(1);
        assertThat(ticker.ticking()).isTrue();
        ui.remove(page);
        assertThat(ticker.labelCount()).isZero();
        assertThat(ticker.ticking()).as("nothing to keep: no timer").isFalse();
    }
}
