package org.connectorconsole.base.ui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Times as people read them on a page: "3 min ago", "in 2 h". */
public final class TimeTexts {

    private TimeTexts() {
    }

    public static String ago(Instant when) {
        return ago(when, Clock.systemUTC());
    }

    public static String ago(Instant when, Clock clock) {
        Duration d = Duration.between(when, clock.instant());
        if (d.toMinutes() < 1) {
            return "just now";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + " min ago";
        }
        if (d.toDays() < 1) {
            return d.toHours() + " h ago";
        }
        return d.toDays() + " days ago";
    }

    public static String in(Instant when) {
        Duration d = Duration.between(Instant.now(), when);
        if (d.isNegative()) {
            return "now";
        }
        return d.toMinutes() < 60 ? "in " + Math.max(1, d.toMinutes()) + " min" : "in " + d.toHours() + " h";
    }
}
