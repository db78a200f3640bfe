package org.connectorconsole.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * The pieces of a JDK {@link HttpClient} exchange that the console's own clients share (the egress client's JDK face
 * and the MCP client's resuming wrapper): a request body read whole, a response's status and headers, a finished
 * response, and a blocking send. All HTTP/1.1, without TLS session or earlier responses.
 */
public final class JdkHttpExchanges {

    private JdkHttpExchanges() {
    }

    /** The whole of a request body, read from its publisher. */
    public static byte[] collect(HttpRequest.BodyPublisher publisher) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                out.writeBytes(bytes);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        return out.toByteArray();
    }

    /** What a body handler is told of a response before its body: status and headers, over HTTP/1.1. */
    public static HttpResponse.ResponseInfo responseInfo(int status, HttpHeaders headers) {
        return new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }

    /**
     * {@link HttpClient#send} on top of {@code sendAsync}: waits for the response and throws the exchange's
     * {@link IOException} as itself.
     */
    public static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> response) throws IOException {
        try {
            return response.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** A finished HTTP/1.1 response: no earlier response (redirects are not followed), no TLS session exposed. */
    public record Response<T>(HttpRequest request, URI uri, int statusCode, HttpHeaders headers, T body)
            implements HttpResponse<T> {
        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
