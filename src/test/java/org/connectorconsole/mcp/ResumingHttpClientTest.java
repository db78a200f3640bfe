package org.connectorconsole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.connectorconsole.egress.JdkHttpExchanges;
import org.junit.jupiter.api.Test;

/**
 * How {@link ResumingHttpClient} reads a POST's event stream as it passes to the SDK (decisions 0029, 0069): events
 * cut anywhere between chunks, CRLF line ends, and messages that carry the request's id only deeper inside are read
 * right — the stream is resumed exactly when its answer did not come. The streams come from a scripted client
 * beneath it, so that the chunk boundaries are the test's, not a server's.
 */
class ResumingHttpClientTest {

    private static final String LIST_REQUEST = "{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\",\"params\":{\"_meta\":"
            + "{\"id\":99}},\"id\":7}";

    @Test
    void an_answer_cut_across_chunks_among_other_messages_ends_the_stream_without_resuming() throws Exception {
        Scripted beneath = new Scripted(List.of(
                "id: e1\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                        + "\"params\":{\"id\":7}}\r\n\r\nid: e2\r\nda",
                "ta: {\"jsonrpc\":\"2.0\",\"result\":{\"tools\":[{\"id\":8,\"name\":\"x\"}]},\"id\"",
                ":7}\r\n",
                "\r\n"));
        HttpClient client = new ResumingHttpClient(beneath, false);

        String body = client.sendAsync(post(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS).body();

        assertThat(body).contains("notifications/progress", "\"tools\":[{\"id\":8,\"name\":\"x\"}]},\"id\":7}");
        assertThat(beneath.sent).as("the answer came: nothing resumed").hasSize(1);
    }

    @Test
    void a_stream_that_ends_with_only_other_ids_is_resumed_and_the_answer_in_a_batch_ends_it() throws Exception {
        Scripted beneath = new Scripted(
                List.of("retry: 0\nid: e1\ndata: {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"nested\":{\"id\":7}}}\n",
                        "\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"elicitation/create\",\"params\":{}}\n\n"),
                List.of("id: e2\ndata: [{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"},",
                        "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}]\n\n"));
        HttpClient client = new ResumingHttpClient(beneath, false);

        String body = client.sendAsync(post(), HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS).body();

        assertThat(beneath.sent).as("another request's answer, an id only deeper inside, and a request from the "
                + "server with the same id are not the answer: resumed once").hasSize(2);
        HttpRequest resumed = beneath.sent.get(1);
        assertThat(resumed.method()).isEqualTo("GET");
        assertThat(resumed.headers().firstValue("Last-Event-ID")).contains("e1");
        assertThat(body).contains("\"nested\":{\"id\":7}", "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}]");
    }

    private static HttpRequest post() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/mcp"))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(LIST_REQUEST))
                .build();
    }

    /** Answers each request with the next scripted event stream, chunk by chunk, and keeps what was sent. */
    private static final class Scripted extends HttpClient {
        final List<HttpRequest> sent = new CopyOnWriteArrayList<>();
        private final Queue<List<String>> streams = new ArrayDeque<>();

        @SafeVarargs
        Scripted(List<String>... streams) {
            this.streams.addAll(List.of(streams));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                HttpResponse.BodyHandler<T> handler) {
            sent.add(request);
            List<String> chunks;
            synchronized (streams) {
                chunks = streams.poll();
            }
            if (chunks == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("no stream scripted for " + request));
            }
            HttpHeaders headers = HttpHeaders.of(Map.of("content-type", List.of("text/event-stream")),
                    (a, b) -> true);
            HttpResponse.BodySubscriber<T> subscriber = handler.apply(JdkHttpExchanges.responseInfo(200, headers));
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            for (String chunk : chunks) {
                subscriber.onNext(List.of(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8))));
            }
            subscriber.onComplete();
            return subscriber.getBody().toCompletableFuture()
                    .thenApply(body -> new JdkHttpExchanges.Response<>(request, request.uri(), 200, headers, body));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
            return sendAsync(request, handler);
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return Optional.empty();
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
            return null;
        }

        @Override
        public SSLParameters sslParameters() {
            return null;
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
            return Optional.empty();
        }
    }
}
