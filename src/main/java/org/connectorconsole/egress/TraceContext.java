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
public final class TraceContext {

    private TraceContext() {
    }

    /**
     * The current trace context as MCP carries it in a request's {@code _meta} ({@code traceparent}, and
     * {@code tracestate} when there is one; SEP-414); empty when no span is current. A new, mutable map.
     */
    public static java.util.Map<String, Object> asMeta() {
        java.util.Map<String, Object> meta = new java.util.HashMap<>();
        Context context = Context.current();
        if (Span.fromContext(context).getSpanContext().isValid()) {
            W3CTraceContextPropagator.getInstance().inject(context, meta, java.util.Map::put);
        }
        return meta;
    }

    static void addTo(HttpRequest request) {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return;
        }
        W3CTraceContextPropagator.getInstance().inject(context, request, HttpRequest::setHeader);
    }
}
