package org.connectorconsole.base;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Timestamps as the database stores them (UTC). */
public final class Times {

    private Times() {
    }

    public static OffsetDateTime utcNow(Clock clock) {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
