package org.connectorconsole.egress;

import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@link HttpClient} whose requests go through an {@link EgressClient}, so libraries written against the JDK
 * client (the MCP SDK's transports) obey the same SSRF policy, bounds and no-redirect rule. Bodies stream with
 * back-pressure: a server-sent event stream is delivered as it arrives.
 */
final class EgressJdkHttpClient extends HttpClient {

    private final EgressClient egress;
    private final Duration connectTimeout;

    private EgressJdkHttpClient(EgressClient egress, Duration connectTimeout) {
        this.egress = egress;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.ofNullable(connectTimeout);
    }

    @Override
    public Redirect followRedirects() {
        return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public SSLParameters sslParameters() {
        return sslContext().getDefaultSSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    @Override
    public Version version() {
        return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.of(egress.streams());
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return JdkHttpExchanges.await(sendAsync(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> handler) {
        CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
        // the request is sent on another thread: it carries the trace context of the work that asked for it
        egress.streams().execute(io.opentelemetry.context.Context.current()
                .wrap(() -> exchange(request, handler, result)));
        return result;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return sendAsync(request, handler);
    }

    private <T> void exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            CompletableFuture<HttpResponse<T>> result) {
        EgressClient.OpenResponse open;
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            request.headers().map().forEach((name, values) -> headers.put(name, String.join(", ", values)));
            byte[] body = request.bodyPublisher().map(JdkHttpExchanges::collect).orElse(null);
            open = egress.open(request.method(), request.uri(), headers, body, request.timeout().orElse(null));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        HttpHeaders responseHeaders = HttpHeaders.of(open.headers(), (a, b) -> true);
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(
                JdkHttpExchanges.responseInfo(open.status(), responseHeaders));
        Pump pump = new Pump(open, subscriber, egress.settings().maxResponseBytes());
        subscriber.getBody().whenComplete((body, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(new JdkHttpExchanges.Response<>(request, open.uri(), open.status(), responseHeaders, body));
            }
        });
        subscriber.onSubscribe(pump);
        pump.run();
    }

    /** Reads the body on a virtual thread, one chunk per unit of demand. */
    private static final class Pump implements Flow.Subscription {
        private final EgressClient.OpenResponse open;
        private final HttpResponse.BodySubscriber<?> subscriber;
        private final long maxBytes;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition signal = lock.newCondition();
        private long demand;
        private volatile boolean cancelled;

        Pump(EgressClient.OpenResponse open, HttpResponse.BodySubscriber<?> subscriber, long maxBytes) {
            this.open = open;
            this.subscriber = subscriber;
            this.maxBytes = maxBytes;
        }

        @Override
        public void request(long n) {
            lock.lock();
            try {
                demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
                signal.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            lock.lock();
            try {
                signal.signalAll();
            } finally {
                lock.unlock();
            }
            closeQuietly();
        }

        void run() {
            InputStream in = open.body();
            byte[] buffer = new byte[16384];
            long total = 0;
            try {
                while (true) {
                    lock.lock();
                    try {
                        while (demand == 0 && !cancelled) {
                            signal.await();
                        }
                        if (cancelled) {
                            return;
                        }
                        demand--;
                    } finally {
                        lock.unlock();
                    }
                    int n = in.read(buffer);
                    if (n < 0) {
                        subscriber.onComplete();
                        return;
                    }
                    total += n;
                    if (total > maxBytes) {
                        subscriber.onError(new EgressTooLargeException("The response is larger than "
                                + maxBytes / (1024 * 1024) + " MB; the console stops reading there."));
                        return;
                    }
                    subscriber.onNext(List.of(ByteBuffer.wrap(Arrays.copyOf(buffer, n))));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                if (!cancelled) {
                    subscriber.onError(open.timedOut().getAsBoolean()
                            ? new EgressTimeoutException("The server stopped answering before the end.")
                            : e instanceof org.apache.hc.core5.http.ConnectionClosedException
                                    ? new java.io.EOFException("The server closed the connection before its answer "
                                            + "was complete.")
                                    : e);
                }
            } catch (RuntimeException e) {
                if (!cancelled) {
                    subscriber.onError(e);
                }
            } finally {
                closeQuietly();
            }
        }

        private void closeQuietly() {
            try {
                open.close();
            } catch (IOException | RuntimeException ignored) {
                // already closed or broken: nothing to release
            }
        }
    }

    /** What the SDK configures is ignored where the policy decides (redirects, proxies, executors). */
    static final class Builder implements HttpClient.Builder {
        private final EgressClient egress;
        private final UnaryOperator<HttpClient> around;
        private Duration connectTimeout;

        Builder(EgressClient egress, UnaryOperator<HttpClient> around) {
            this.egress = egress;
            this.around = around;
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            this.connectTimeout = duration;
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext sslContext) {
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor executor) {
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(Redirect policy) {
            return this;
        }

        @Override
        public HttpClient.Builder version(Version version) {
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector proxySelector) {
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            return this;
        }

        @Override
        public HttpClient build() {
            return around.apply(new EgressJdkHttpClient(egress, connectTimeout));
        }
    }
}
