package org.connectorconsole.egress;

import java.time.Duration;

/**
 * Bounds of every outbound call. {@code allowLoopbackHttp} is for development and tests only: it lets the console
 * call servers on this machine (plain http included). {@code sendTraceContext}: requests carry the W3C trace
 * context ({@code traceparent}, {@code tracestate}) of the work they are part of, when tracing is on (off by
 * default: servers outside learn nothing of the console's traces unless the operator asks for it).
 */
public record EgressSettings(boolean allowLoopbackHttp, Duration connectTimeout, Duration readTimeout,
        Duration requestTimeout, long maxResponseBytes, boolean sendTraceContext) {

    public static final EgressSettings DEFAULTS = new EgressSettings(false, Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(30), 8L * 1024 * 1024, false);

    public EgressSettings(boolean allowLoopbackHttp, Duration connectTimeout, Duration readTimeout,
            Duration requestTimeout, long maxResponseBytes) {
        this(allowLoopbackHttp, connectTimeout, readTimeout, requestTimeout, maxResponseBytes, false);
    }

    public EgressSettings withLoopbackHttp(boolean allow) {
        return new EgressSettings(allow, connectTimeout, readTimeout, requestTimeout, maxResponseBytes,
                sendTraceContext);
    }

    public EgressSettings withTraceContext(boolean send) {
        return new EgressSettings(allowLoopbackHttp, connectTimeout, readTimeout, requestTimeout, maxResponseBytes,
                send);
    }
}
