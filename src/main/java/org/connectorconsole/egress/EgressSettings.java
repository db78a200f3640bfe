package org.connectorconsole.egress;

import java.time.Duration;

/**
 * Bounds of every outbound call. {@code allowLoopbackHttp} is for development and tests only: it lets the console
 * call servers on this machine (plain http included).
 */
public record EgressSettings(boolean allowLoopbackHttp, Duration connectTimeout, Duration readTimeout,
        Duration requestTimeout, long maxResponseBytes) {

    public static final EgressSettings DEFAULTS = new EgressSettings(false, Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(30), 8L * 1024 * 1024);

    public EgressSettings withLoopbackHttp(boolean allow) {
        return new EgressSettings(allow, connectTimeout, readTimeout, requestTimeout, maxResponseBytes);
    }
}
