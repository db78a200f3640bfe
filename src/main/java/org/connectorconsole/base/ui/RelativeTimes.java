package org.connectorconsole.base.ui;

import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.di.Instantiator;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One UI's ticker for its {@link RelativeTime} labels: runs while the UI shows at least one, every
 * {@link #PERIOD}, rewriting them all in one {@code ui.access} (pushed to the browser). All UIs share one
 * scheduling thread; the time comes from the application's {@link Clock} bean.
 */
public final class RelativeTimes {

    static final Duration PERIOD = Duration.ofSeconds(30);
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().daemon().name("relative-times").unstarted(r));

    private final UI ui;
    private final Set<RelativeTime> labels = new LinkedHashSet<>();
    private Clock clock;
    private ScheduledFuture<?> ticking;

    private RelativeTimes(UI ui, Clock clock) {
        this.ui = ui;
        this.clock = clock;
    }

    /** The UI's ticker (made on first use). Call with the UI's session locked. */
    public static RelativeTimes of(UI ui) {
        RelativeTimes ticker = ComponentUtil.getData(ui, RelativeTimes.class);
        if (ticker == null) {
            ticker = new RelativeTimes(ui, clockFor(ui));
            ComponentUtil.setData(ui, RelativeTimes.class, ticker);
        }
        return ticker;
    }

    private static Clock clockFor(UI ui) {
        try {
            Instantiator instantiator = Instantiator.get(ui);
            Clock clock = instantiator == null ? null : instantiator.getOrCreate(Clock.class);
            return clock != null ? clock : Clock.systemUTC();
        } catch (RuntimeException e) {
            return Clock.systemUTC();
        }
    }

    /** For tests: the clock the labels read. */
    void useClock(Clock clock) {
        this.clock = clock;
        tick();
    }

    void add(RelativeTime label) {
        labels.add(label);
        label.show(clock);
        if (ticking == null) {
            long period = PERIOD.toMillis();
            ticking = SCHEDULER.scheduleAtFixedRate(() -> {
                try {
                    ui.access(this::tick);
                } catch (UIDetachedException e) {
                    stop();
                }
            }, period, period, TimeUnit.MILLISECONDS);
        }
    }

    void remove(RelativeTime label) {
        labels.remove(label);
        if (labels.isEmpty()) {
            stop();
        }
    }

    private void stop() {
        ScheduledFuture<?> t = ticking;
        ticking = null;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Rewrites every label (the ticker's work, also callable directly). */
    public void tick() {
        for (RelativeTime label : labels) {
            label.show(clock);
        }
    }

    /** Labels being kept, and whether the ticker runs: what a test of "one ticker, stopped when unused" reads. */
    public int labelCount() {
        return labels.size();
    }

    public boolean ticking() {
        return ticking != null;
    }
}
