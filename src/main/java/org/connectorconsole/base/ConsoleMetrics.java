package org.connectorconsole.base;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * The console's own meters, in one catalogue so that their names and tags stay consistent (operations.md lists
 * them). They are recorded on Micrometer's global registry, which Spring Boot joins to the Prometheus registry
 * served at {@code /actuator/prometheus}; a feature records its events here without wiring a registry through
 * every constructor. Gauges that read the database (connections by state) are bound in their own feature.
 */
public final class ConsoleMetrics {

    public static final String SIGN_INS = "console.sign.ins";
    public static final String TOOL_CALLS = "console.tool.calls";
    public static final String TOKEN_REFRESHES = "console.connection.refreshes";
    public static final String EGRESS_REFUSALS = "console.egress.refusals";
    public static final String EXPORTS = "console.audit.exports";
    public static final String EXPORTED_ROWS = "console.audit.export.rows";
    public static final String EXPORTED_BYTES = "console.audit.export.bytes";
    public static final String CONNECTIONS = "console.connections";

    /** Each meter is built once per tag value and kept (the tag values are small fixed sets). */
    private static final java.util.concurrent.ConcurrentMap<String, Counter> COUNTERS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.ConcurrentMap<String, Timer> TIMERS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private ConsoleMetrics() {
    }

    private static Counter counter(String name, String description, String... tags) {
        return COUNTERS.computeIfAbsent(name + String.join(",", tags), k -> Counter.builder(name)
                .description(description).tags(tags).register(Metrics.globalRegistry));
    }

    private static Timer timer(String name, String description, String... tags) {
        return TIMERS.computeIfAbsent(name + String.join(",", tags), k -> Timer.builder(name)
                .description(description).tags(tags).register(Metrics.globalRegistry));
    }

    /** A sign-in attempt's outcome: {@code succeeded}, {@code bad_credentials}, {@code locked}, {@code refused}, … */
    public static void signIn(String outcome) {
        counter(SIGN_INS, "Sign-in attempts by outcome", "outcome", outcome).increment();
    }

    /** A finished tool call: its final status ({@code succeeded}, {@code tool_error}, {@code refused}, …) and time. */
    public static void toolCall(String status, Duration took) {
        timer(TOOL_CALLS, "Tool calls by outcome, with their duration", "outcome", status.toLowerCase(Locale.ROOT))
                .record(took);
    }

    /** A member's access token renewed with a refresh token: {@code succeeded} or {@code failed}. */
    public static void tokenRefresh(boolean succeeded) {
        counter(TOKEN_REFRESHES, "Access-token refreshes by outcome", "outcome", succeeded ? "succeeded" : "failed")
                .increment();
    }

    /** A request the SSRF policy refused before anything was sent. */
    public static void egressRefused() {
        counter(EGRESS_REFUSALS, "Outbound requests the egress policy refused").increment();
    }

    /** An audit export that finished: its format, rows, bytes and how long it streamed. */
    public static void exported(String format, long rows, long bytes, Duration took) {
        timer(EXPORTS, "Audit exports by format, with their duration", "format", format).record(took);
        counter(EXPORTED_ROWS, "Audit events exported", "format", format).increment(rows);
        counter(EXPORTED_BYTES, "Bytes of audit export sent", "format", format).increment(bytes);
    }
}
