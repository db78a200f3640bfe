package org.connectorconsole.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The trace context goes out only when the operator asked for it ({@code console.egress.send-trace-context}), and
 * only from inside a span: by default a server learns nothing of the console's traces.
 */
class TraceContextTest {

    private static final TestMcpServer SERVER = new TestMcpServer().document("/doc", "{}");
    private static final List<String> SEEN = SERVER.recordHeader("/doc", "traceparent");
    private static final SdkTracerProvider TRACING = SdkTracerProvider.builder().build();

    @AfterAll
    static void stop() {
        SERVER.close();
        TRACING.close();
    }

    private static String sentFromInsideASpan(EgressSettings settings) throws Exception {
        Span span = TRACING.get("test").spanBuilder("work").startSpan();
        try (Scope scope = span.makeCurrent();
                EgressClient egress = new EgressClient(settings, Set.of(), HostResolver.SYSTEM)) {
            egress.send("POST", URI.create(SERVER.url("/doc")), Map.of("Content-Type", "application/json"),
                    "{}".getBytes(), settings.requestTimeout());
            return SEEN.getLast();
        } finally {
            span.end();
        }
    }

    @Test
    void off_by_default() throws Exception {
        assertThat(sentFromInsideASpan(EgressSettings.DEFAULTS.withLoopbackHttp(true))).isEmpty();
    }

    @Test
    void when_asked_for_the_current_span_goes_out_as_traceparent() throws Exception {
        Span span = TRACING.get("test").spanBuilder("outer").startSpan();
        String sent;
        try (Scope scope = span.makeCurrent()) {
            sent = sentFromInsideASpan(EgressSettings.DEFAULTS.withLoopbackHttp(true).withTraceContext(true));
        } finally {
            span.end();
        }
        assertThat(sent).startsWith("00-" + span.getSpanContext().getTraceId() + "-");
    }

    @Test
    void outside_any_span_nothing_is_added() throws Exception {
        try (EgressClient egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true)
                .withTraceContext(true), Set.of(), HostResolver.SYSTEM)) {
            egress.send("POST", URI.create(SERVER.url("/doc")), Map.of("Content-Type", "application/json"),
                    "{}".getBytes(), EgressSettings.DEFAULTS.requestTimeout());
        }
        assertThat(SEEN.getLast()).isEmpty();
    }
}
