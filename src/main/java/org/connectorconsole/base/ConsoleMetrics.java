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

    private ConsoleMetrics() {
    }

    /** A sign-in attempt's outcome: {@code succeeded}, {@code bad_credentials}, {@code locked}, {@code refused}, … */
    public static void signIn(String outcome) {
        Counter.builder(SIGN_INS).description("Sign-in attempts by outcome")
                .tag("outcome", outcome).register(Metrics.globalRegistry).increment();
    }

    /** A finished tool call: its final status ({@code succeeded}, {@code tool_error}, {@code refused}, …) and time. */
    public static void toolCall(String status, Duration took) {
        Timer.builder(TOOL_CALLS).description("Tool calls by outcome, with their duration")
                .tag("outcome", status.toLowerCase(Locale.ROOT))
                .publishPercentileHistogram(false)
                .register(Metrics.globalRegistry).record(took);
    }

    /** A member's access token renewed with a refresh token: {@code succeeded} or {@code failed}. */
    public static void tokenRefresh(boolean succeeded) {
        Counter.builder(TOKEN_REFRESHES).description("Access-token refreshes by outcome")
                .tag("outcome", succeeded ? "succeeded" : "failed").register(Metrics.globalRegistry).increment();
    }

    /** A request the SSRF policy refused before anything was sent. */
    public static void egressRefused() {
        Counter.builder(EGRESS_REFUSALS).description("Outbound requests the egress policy refused")
                .register(Metrics.globalRegistry).increment();
    }

    /** An audit export that finished: its format, rows, bytes and how long it streamed. */
    public static void exported(String format, long rows, long bytes, Duration took) {
        Timer.builder(EXPORTS).description("Audit exports by format, with their duration")
                .tag("format", format).register(Metrics.globalRegistry).record(took);
        Counter.builder(EXPORTED_ROWS).description("Audit events exported")
                .tag("format", format).register(Metrics.globalRegistry).increment(rows);
        Counter.builder(EXPORTED_BYTES).baseUnit("bytes").description("Bytes of audit export sent")
                .tag("format", format).register(Metrics.globalRegistry).increment(bytes);
    }
}
