package org.connectorconsole.egress;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import org.apache.hc.core5.http.HttpRequest;

/**
 * Puts the W3C trace context of the current work (the OpenTelemetry span that is current on this thread) on an
 * outbound request, so a server that traces too joins the console's trace. Nothing is added when no span is
 * current (tracing off, or work outside any trace).
 */
final class TraceContext {

    private TraceContext() {
    }

    static void addTo(HttpRequest request) {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return;
        }
        W3CTraceContextPropagator.getInstance().inject(context, request, HttpRequest::setHeader);
    }
}
