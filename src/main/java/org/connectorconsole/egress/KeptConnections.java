package org.connectorconsole.egress;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * How egress keeps a connection to a server for the next request, and when it does not reuse one (decision 0077).
 * A kept connection the server has closed must never carry a request: MCP's POSTs are not idempotent, so a request
 * that may have reached the server is never sent twice. Three guards, in the order they act:
 * <ol>
 * <li>a connection is kept no longer than the server said ({@code Keep-Alive: timeout=N}) minus a margin, and no
 * longer than {@link #UNADVERTISED} when the server says nothing (uvicorn, Tomcat and others close after a few
 * seconds without saying so);</li>
 * <li>a connection idle for more than {@link #VALIDATE_AFTER} is checked before reuse (HttpClient's stale check: a
 * close the server sent has arrived, so the connection is dropped and a fresh one made, before any byte of the
 * request is written);</li>
 * <li>expired connections are closed in the background every {@link #EVICT_EVERY}.</li>
 * </ol>
 * A request is sent again only when it provably never left: the connection to the server was refused.
 */
final class KeptConnections {

    /** Kept this long at most when the server does not say how long it keeps an idle connection. */
    static final Duration UNADVERTISED = Duration.ofSeconds(4);
    /** Kept this long at most whatever the server says. */
    static final Duration LONGEST = Duration.ofSeconds(60);
    /** Taken off the server's own timeout: the server's clock starts when it wrote its answer, ours later. */
    static final Duration MARGIN = Duration.ofSeconds(1);
    /** A connection idle longer than this is checked (about 1 ms) before it carries a request. */
    static final Duration VALIDATE_AFTER = Duration.ofMillis(500);
    static final Duration EVICT_EVERY = Duration.ofSeconds(5);

    private KeptConnections() {
    }

    static final ConnectionKeepAliveStrategy KEEP_ALIVE = (response, context) -> keepFor(response);

    /** How long a connection may be kept after this answer. */
    static TimeValue keepFor(HttpResponse response) {
        Long advertised = advertisedSeconds(response);
        if (advertised == null) {
            return TimeValue.of(UNADVERTISED);
        }
        Duration said = Duration.ofSeconds(Math.max(0, advertised));
        Duration margin = said.dividedBy(2).compareTo(MARGIN) < 0 ? said.dividedBy(2) : MARGIN;
        Duration keep = said.minus(margin);
        return TimeValue.of(keep.compareTo(LONGEST) > 0 ? LONGEST : keep);
    }

    /** The {@code timeout} parameter of {@code Keep-Alive}, in seconds; null when absent or unreadable. */
    static Long advertisedSeconds(HttpResponse response) {
        for (Iterator<Header> it = response.headerIterator("Keep-Alive"); it.hasNext();) {
            for (String part : it.next().getValue().split(",")) {
                String p = part.trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("timeout=")) {
                    try {
                        return Long.parseLong(p.substring("timeout=".length()).trim());
                    } catch (NumberFormatException unreadable) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /** Sends a request again once, and only when it provably never reached the server. */
    static final HttpRequestRetryStrategy RETRY_UNSENT = new HttpRequestRetryStrategy() {
        @Override
        public boolean retryRequest(HttpRequest request, IOException failure, int execCount, HttpContext context) {
            return execCount < 2 && neverSent(failure);
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false; // an answer is the server's: never asked again
        }

        @Override
        public TimeValue getRetryInterval(HttpRequest request, IOException failure, int execCount,
                HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    };

    /**
     * Refused connections only: no connection, so no byte of the request was written. A reset, an end of stream or
     * a timeout on a connection that carried the request proves nothing about what the server did with it.
     */
    static boolean neverSent(IOException failure) {
        return failure instanceof java.net.ConnectException;
    }

    /**
     * Closes expired connections of this pool every {@link #EVICT_EVERY} on {@code scheduler}, until cancelled or
     * the pool is gone (a client nobody closed does not keep its task alive).
     */
    static ScheduledFuture<?> evictExpired(ScheduledExecutorService scheduler,
            PoolingHttpClientConnectionManager pool) {
        WeakReference<PoolingHttpClientConnectionManager> ref = new WeakReference<>(pool);
        long every = EVICT_EVERY.toMillis();
        return scheduler.scheduleWithFixedDelay(() -> {
            PoolingHttpClientConnectionManager p = ref.get();
            if (p == null) {
                throw new IllegalStateException("pool gone"); // ends the periodic task
            }
            p.closeExpired();
            p.closeIdle(TimeValue.of(LONGEST));
        }, every, every, TimeUnit.MILLISECONDS);
    }
}
