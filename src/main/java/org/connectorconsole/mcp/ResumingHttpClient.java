package org.connectorconsole.mcp;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.connectorconsole.egress.JdkHttpExchanges;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP client the classic SDK's Streamable HTTP transport is given: every request goes to the egress client it
 * wraps, unchanged, except that a POSTed request whose event stream ends before its answer is resumed, as
 * 2025-11-25 asks (SEP-1699): after the server's {@code retry:} (at most {@link #MAX_RETRY}), a GET with
 * {@code Last-Event-ID} (the last event id the stream carried) and the request's session, protocol version and
 * authorization; that stream's events continue the same body the SDK is reading, until the answer has come (the
 * GET is then closed). At most {@value #MAX_RESUMPTIONS} resumptions per request; a stream that carried no event
 * id cannot be resumed and ends as before (the SDK's request timeout then applies). The SDK itself resumes only on
 * errors, and only from events that carried data, ignoring {@code retry:} (decision 0029).
 */
final class ResumingHttpClient extends HttpClient {

    static final int MAX_RESUMPTIONS = 3;
    static final Duration MAX_RETRY = Duration.ofSeconds(10);
    /** Without a {@code retry:}, how long to wait before resuming. */
    static final Duration DEFAULT_RETRY = Duration.ofSeconds(1);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The longest line of an event stream read here; the rest of a longer line is not looked at. */
    private static final int MAX_LINE = 1 << 20;

    private final HttpClient delegate;
    /** Whether the session's own GET stream (the server's notifications outside any request) is opened. */
    private final boolean listening;

    /**
     * {@code delegate}: the egress client ({@code EgressClient.jdkClientBuilder(around)} hands it over);
     * {@code listening}: whether the session's own notification stream is opened (see {@link #sendAsync}).
     */
    ResumingHttpClient(HttpClient delegate, boolean listening) {
        this.delegate = delegate;
        this.listening = listening;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> handler) {
        if (!listening && isListeningStream(request)) {
            return notListening(request, handler);
        }
        JsonNode id = requestId(request);
        if (id == null) {
            return delegate.sendAsync(request, handler);
        }
        return delegate.sendAsync(request, info -> {
            HttpResponse.BodySubscriber<T> downstream = handler.apply(info);
            String type = info.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
            return info.statusCode() / 100 == 2 && type.startsWith("text/event-stream")
                    ? new Resuming<>(request, id, downstream) : downstream;
        });
    }

    /**
     * The GET the SDK sends as soon as a session has an id, to open the session's stream for the server's
     * notifications outside any request (MCP SDK 2.2.0 opens it whatever {@code openConnectionOnStartup} says). A GET
     * that resumes a request's stream carries {@code Last-Event-ID} and is not this one.
     */
    static boolean isListeningStream(HttpRequest request) {
        return "GET".equals(request.method()) && request.headers().firstValue("Last-Event-ID").isEmpty();
    }

    /**
     * Answers the session's listening GET here, without sending it, as a server without that stream would (405: the
     * SDK goes on in request-response mode). A session for calls needs no such stream (answers, progress and input
     * requests come on each request's own stream), and each open stream would hold one of the egress client's
     * connections to the server for as long as the session lives.
     */
    private static <T> CompletableFuture<HttpResponse<T>> notListening(HttpRequest request,
            HttpResponse.BodyHandler<T> handler) {
        HttpHeaders headers = HttpHeaders.of(java.util.Map.of(), (a, b) -> true);
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(JdkHttpExchanges.responseInfo(405, headers));
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onComplete();
        return subscriber.getBody().toCompletableFuture()
                .thenApply(body -> new JdkHttpExchanges.Response<>(request, request.uri(), 405, headers, body));
    }

    /** The JSON-RPC id of a POSTed request that accepts an event stream, or null (a notification, a GET). */
    private static JsonNode requestId(HttpRequest request) {
        if (!"POST".equals(request.method()) || request.bodyPublisher().isEmpty()
                || !request.headers().firstValue("accept").orElse("").contains("text/event-stream")) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(JdkHttpExchanges.collect(request.bodyPublisher().get()))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonRpcMessageOutline message = JsonRpcMessageOutline.read(parser);
            return message.method() && message.id() != null && !message.id().isNull() ? message.id() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The body of one POST's event stream, passed on to the SDK as it comes while its events are read for their
     * ids, {@code retry:} and the answer to the request; continued by a GET when it ends too early.
     */
    private final class Resuming<T> implements HttpResponse.BodySubscriber<T>, Flow.Subscription {

        private final HttpRequest request;
        private final JsonNode id;
        private final HttpResponse.BodySubscriber<T> downstream;
        /** The line being read (up to {@link #MAX_LINE} bytes; longer lines are cut there). */
        private byte[] line = new byte[256];
        private int lineLength;
        private final StringBuilder data = new StringBuilder();
        private Flow.Subscription upstream;
        private long requested;
        private long delivered;
        private String lastEventId;
        private Duration retry = DEFAULT_RETRY;
        private boolean answered;
        private boolean atBoundary = true;
        private boolean resuming;
        private boolean cancelled;
        private boolean finished;
        private int resumptions;

        Resuming(HttpRequest request, JsonNode id, HttpResponse.BodySubscriber<T> downstream) {
            this.request = request;
            this.id = id;
            this.downstream = downstream;
        }

        @Override
        public CompletionStage<T> getBody() {
            return downstream.getBody();
        }

        // ---- from the POST's body (and, through Splice, from a resuming GET's)

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (this) {
                upstream = subscription;
            }
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            forward(items);
        }

        @Override
        public void onError(Throwable throwable) {
            finish(throwable);
        }

        @Override
        public void onComplete() {
            ended();
        }

        private void forward(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                read(item.duplicate());
            }
            synchronized (this) {
                delivered++;
            }
            downstream.onNext(items);
            if (resuming && answered) {
                // the answer came on the resuming stream: nothing more is awaited there
                Flow.Subscription get;
                synchronized (this) {
                    get = upstream;
                }
                get.cancel();
                finish(null);
            }
        }

        /** The stream ended: resume it when the answer has not come and it can be resumed, else end the body. */
        private void ended() {
            if (answered || lastEventId == null || resumptions >= MAX_RESUMPTIONS || cancelled) {
                finish(null);
                return;
            }
            again();
        }

        /** Resumes after the server's retry (another try, when a resuming request itself failed). */
        private void again() {
            resumptions++;
            if (!atBoundary) {
                // an event cut off at the end: the next stream starts afresh
                downstream.onNext(List.of(ByteBuffer.wrap("\n\n".getBytes(StandardCharsets.UTF_8))));
                atBoundary = true;
                lineLength = 0;
                data.setLength(0);
            }
            Duration wait = retry.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry;
            CompletableFuture.runAsync(this::resume,
                    CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS));
        }

        private void resume() {
            if (cancelled) {
                return;
            }
            HttpRequest.Builder get = HttpRequest.newBuilder(request.uri()).GET()
                    .header("Accept", "text/event-stream")
                    .header("Last-Event-ID", lastEventId);
            for (String name : List.of("Mcp-Session-Id", "MCP-Protocol-Version", "Authorization")) {
                request.headers().firstValue(name).ifPresent(value -> get.header(name, value));
            }
            resuming = true;
            delegate.sendAsync(get.build(), info -> {
                if (info.statusCode() / 100 != 2) {
                    return HttpResponse.BodySubscribers.replacing(null);
                }
                return new Splice();
            }).whenComplete((response, error) -> {
                if (error != null) {
                    // no answer at all (a pooled connection the server had closed, say): try again, within bounds
                    if (resumptions < MAX_RESUMPTIONS && !cancelled) {
                        again();
                    } else {
                        finish(error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
                    }
                } else if (response.statusCode() / 100 != 2) {
                    finish(new IOException("The server's event stream ended before its answer, and resuming it "
                            + "was refused (HTTP " + response.statusCode() + ")."));
                }
            });
        }

        /** A resuming GET's body, continuing the POST's. */
        private final class Splice implements HttpResponse.BodySubscriber<Void> {
            private final CompletableFuture<Void> body = new CompletableFuture<>();

            @Override
            public CompletionStage<Void> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                long outstanding;
                synchronized (Resuming.this) {
                    upstream = subscription;
                    outstanding = requested - delivered;
                }
                if (cancelled) {
                    subscription.cancel();
                } else if (outstanding > 0) {
                    subscription.request(outstanding);
                }
            }

            @Override
            public void onNext(List<ByteBuffer> items) {
                forward(items);
            }

            @Override
            public void onError(Throwable throwable) {
                body.complete(null);
                finish(throwable);
            }

            @Override
            public void onComplete() {
                body.complete(null);
                ended();
            }
        }

        private void finish(Throwable error) {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            if (error == null) {
                downstream.onComplete();
            } else {
                downstream.onError(error);
            }
        }

        // ---- demand from the SDK, passed to whichever stream is being read

        @Override
        public void request(long n) {
            Flow.Subscription current;
            synchronized (this) {
                requested = n <= 0 || requested + n < 0 ? Long.MAX_VALUE : requested + n;
                current = upstream;
            }
            current.request(n);
        }

        @Override
        public void cancel() {
            Flow.Subscription current;
            synchronized (this) {
                cancelled = true;
                current = upstream;
            }
            current.cancel();
        }

        // ---- reading the event stream

        private void read(ByteBuffer bytes) {
            int at = bytes.position();
            int limit = bytes.limit();
            while (at < limit) {
                int end = at;
                while (end < limit && bytes.get(end) != '\n') {
                    end++;
                }
                append(bytes, at, end);
                if (end == limit) {
                    break;
                }
                int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                lineLength = 0;
                field(new String(line, 0, length, StandardCharsets.UTF_8));
                at = end + 1;
            }
        }

        /** Adds bytes {@code from} to {@code to} of {@code bytes} to the line, within {@link #MAX_LINE}. */
        private void append(ByteBuffer bytes, int from, int to) {
            int n = Math.min(to - from, MAX_LINE - lineLength);
            if (n <= 0) {
                return;
            }
            if (lineLength + n > line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, lineLength + n)));
            }
            bytes.get(from, line, lineLength, n);
            lineLength += n;
        }

        private void field(String text) {
            if (text.isEmpty()) {
                if (!data.isEmpty() && answers(data.toString())) {
                    answered = true;
                }
                data.setLength(0);
                atBoundary = true;
                return;
            }
            atBoundary = false;
            int colon = text.indexOf(':');
            String name = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (name) {
                case "id" -> lastEventId = value.isEmpty() ? null : value;
                case "retry" -> {
                    try {
                        retry = Duration.ofMillis(Math.max(0, Long.parseLong(value.strip())));
                    } catch (NumberFormatException ignored) {
                        // not a number: ignored, as the event stream format says
                    }
                }
                case "data" -> {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(value);
                }
                default -> {
                    // event names and comments do not matter here
                }
            }
        }

        /** Whether an event's data is (or holds) the answer to the request: a response with its id. */
        private boolean answers(String json) {
            try (JsonParser parser = JSON.createParser(json)) {
                JsonToken first = parser.nextToken();
                if (first == JsonToken.START_OBJECT) {
                    return answers(JsonRpcMessageOutline.read(parser));
                }
                if (first == JsonToken.START_ARRAY) {
                    JsonToken next;
                    while ((next = parser.nextToken()) != null && next != JsonToken.END_ARRAY) {
                        if (next == JsonToken.START_OBJECT && answers(JsonRpcMessageOutline.read(parser))) {
                            return true;
                        }
                        parser.skipChildren();
                    }
                }
                return false;
            } catch (RuntimeException e) {
                return false;
            }
        }

        private boolean answers(JsonRpcMessageOutline message) {
            return !message.method() && message.outcome() && id.equals(message.id());
        }
    }

    // ---- the rest is the egress client's

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return JdkHttpExchanges.await(sendAsync(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return sendAsync(request, handler);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
