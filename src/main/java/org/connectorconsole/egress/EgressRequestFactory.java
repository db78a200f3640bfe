package org.connectorconsole.egress;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.FastByteArrayOutputStream;

/**
 * Lets Spring's {@code RestClient} (and so Spring Security's OAuth2 token clients) send through the egress door:
 * the URL policy, the checked addresses, no redirects, the time and size bounds all apply.
 */
public final class EgressRequestFactory implements ClientHttpRequestFactory {

    private final EgressClient egress;
    private final Duration timeout;

    public EgressRequestFactory(EgressClient egress, Duration timeout) {
        this.egress = egress;
        this.timeout = timeout;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
        return new Request(uri, method);
    }

    private final class Request extends AbstractClientHttpRequest {
        private final URI uri;
        private final HttpMethod method;
        private final FastByteArrayOutputStream body = new FastByteArrayOutputStream(1024);

        Request(URI uri, HttpMethod method) {
            this.uri = uri;
            this.method = method;
        }

        @Override
        public HttpMethod getMethod() {
            return method;
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        protected java.io.OutputStream getBodyInternal(HttpHeaders headers) {
            return body;
        }

        @Override
        protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
            Map<String, String> flat = new LinkedHashMap<>();
            headers.forEach((name, values) -> flat.put(name, String.join(", ", values)));
            byte[] content = body.size() == 0 && (method == HttpMethod.GET || method == HttpMethod.HEAD) ? null
                    : body.toByteArrayUnsafe();
            EgressResponse response = egress.send(method.name(), uri, flat, content, timeout);
            return new Response(response);
        }
    }

    private static final class Response implements ClientHttpResponse {
        private final EgressResponse response;

        Response(EgressResponse response) {
            this.response = response;
        }

        @Override
        public HttpStatusCode getStatusCode() {
            return HttpStatusCode.valueOf(response.status());
        }

        @Override
        public String getStatusText() {
            return "";
        }

        @Override
        public HttpHeaders getHeaders() {
            HttpHeaders headers = new HttpHeaders();
            for (Map.Entry<String, List<String>> e : response.headers().entrySet()) {
                headers.addAll(e.getKey(), e.getValue());
            }
            return headers;
        }

        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(response.body());
        }

        @Override
        public void close() {
            // the body was read fully, within the size bound
        }
    }
}
