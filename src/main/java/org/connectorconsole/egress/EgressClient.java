package org.connectorconsole.egress;

import org.connectorconsole.base.ConsoleMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The one door out. Every URL is checked by {@link EgressPolicy}; every host name is resolved here and each
 * address checked, and the connection is made to exactly the checked address (no second look-up, so DNS
 * rebinding cannot slip past). Redirects are never followed; time and size are bounded.
 *
 * <p>Kept connections are reused only while the server still keeps them, and a request is sent a second time only
 * when its connection was refused ({@link KeptConnections}, decision 0077).
 *
 * <p>One client serves one set of allowed private hosts: pooled connections are never shared between
 * organizations whose policies differ.
 */
public final class EgressClient implements AutoCloseable {

    /** Headers the client sets itself; a caller's value would be wrong or smuggle a second framing. */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive", "te", "trailer", "proxy-authorization", "proxy-connection");
    private static final String USER_AGENT = "ConnectorConsole/0.1 (+MCP client)";
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "egress-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final EgressPolicy policy;
    private final EgressSettings settings;
    private final Set<String> privateHosts;
    private final HostResolver resolver;
    private final CloseableHttpClient http;
    private final PoolingHttpClientConnectionManager connections;
    private final ExecutorService streams = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledFuture<?> evictor;

    /**
     * Connections open at once to one server (scheme, host and port) from this client: room for every tool call an
     * instance runs at once ({@code console.tools.max-concurrent}, 64) and every tool watch's stream
     * ({@code console.tools.watch.max}, 16), with some to spare; sessions for calls hold none between requests (they
     * open no notification stream, decision 0061).
     */
    static final int MAX_CONNECTIONS_PER_SERVER = 96;
    /** How long a request waits for one of those connections before it fails, saying so. */
    static final java.time.Duration CONNECTION_WAIT = java.time.Duration.ofSeconds(2);

    public EgressClient(EgressSettings settings, Set<String> privateHosts, HostResolver resolver) {
        this.settings = settings;
        this.policy = new EgressPolicy(settings.allowLoopbackHttp());
        this.privateHosts = Set.copyOf(privateHosts);
        this.resolver = resolver;
        DnsResolver checkedDns = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    return resolveChecked(host).toArray(InetAddress[]::new);
                } catch (EgressRefusedException refused) {
                    ConsoleMetrics.egressRefused(); // a connection about to be made, refused
                    throw refused;
                }
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(checkedDns)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(Timeout.of(settings.readTimeout()))
                        .setTimeToLive(Timeout.ofMinutes(5))
                        .setValidateAfterInactivity(TimeValue.of(KeptConnections.VALIDATE_AFTER))
                        .build())
                .setMaxConnPerRoute(MAX_CONNECTIONS_PER_SERVER)
                .setMaxConnTotal(256)
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .setKeepAliveStrategy(KeptConnections.KEEP_ALIVE)
                .setRetryStrategy(KeptConnections.RETRY_UNSENT)
                .setUserAgent(USER_AGENT)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(settings.readTimeout()))
                        .setConnectionRequestTimeout(Timeout.of(CONNECTION_WAIT))
                        .build())
                .build();
        this.evictor = KeptConnections.evictExpired(DEADLINES, connections);
    }

    public EgressPolicy policy() {
        return policy;
    }

    public EgressSettings settings() {
        return settings;
    }

    /** Resolves a host and checks every address, as a connection would; throws the refusal otherwise. */
    public List<InetAddress> resolveChecked(String host) throws UnknownHostException {
        String name = EgressPolicy.normalizeHost(host);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (EgressRefusedException e) {
            throw e;
        } catch (UnknownHostException e) {
            throw new UnknownHostException("The name " + name + " does not resolve (DNS has no address for it).");
        }
        return policy.checkAddresses(name, addresses, privateHosts);
    }

    /** Checks a URL against the policy; throws with the reason when it may not be called. */
    public URI checkedUri(URI uri) throws EgressRefusedException {
        EgressPolicy.UrlCheck check = policy.checkUrl(uri.toString());
        if (!check.ok()) {
            throw new EgressRefusedException(check.problem());
        }
        return check.uri();
    }

    /** A request with its body read fully (up to the size bound). */
    public EgressResponse send(String method, URI uri, Map<String, String> headers, byte[] body,
            Duration timeout) throws IOException {
        try (OpenResponse open = open(method, uri, headers, body, timeout)) {
            return new EgressResponse(open.uri(), open.status(), open.headers(), readBounded(open.body()));
        }
    }

    public EgressResponse get(URI uri, Map<String, String> headers) throws IOException {
        return send("GET", uri, headers, null, settings.requestTimeout());
    }

    /** A response whose body is read by the caller (streams). Close it when done. */
    public OpenResponse open(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        URI target;
        try {
            target = checkedUri(uri);
        } catch (EgressRefusedException refused) {
            ConsoleMetrics.egressRefused(); // a request about to be sent, refused
            throw refused;
        }
        HttpUriRequestBase request = new HttpUriRequestBase(method, target);
        headers.forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                request.addHeader(name, value);
            }
        });
        if (settings.sendTraceContext()) {
            TraceContext.addTo(request);
        }
        if (body != null) {
            String type = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("content-type"))
                    .map(Map.Entry::getValue).findFirst().orElse("application/octet-stream");
            request.setEntity(new ByteArrayEntity(body, ContentType.parse(type)));
        }
        ScheduledFuture<?> deadline = timeout == null ? null
                : DEADLINES.schedule(request::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response;
        try {
            response = http.executeOpen(null, request, null);
        } catch (IOException e) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (request.isCancelled()) {
                throw new EgressTimeoutException("No complete answer within " + timeout.toSeconds() + " s.");
            }
            if (e instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
                throw new EgressTimeoutException("The console has " + MAX_CONNECTIONS_PER_SERVER + " requests open "
                        + "to " + target.getHost() + " already (its bound for one server), and none ended within "
                        + CONNECTION_WAIT.toSeconds() + " s. Try again shortly.");
            }
            throw unwrap(e);
        }
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            responseHeaders.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.getValue());
        }
        EofTrackingStream stream = new EofTrackingStream(response.getEntity() == null ? InputStream.nullInputStream()
                : response.getEntity().getContent());
        return new OpenResponse(target, response.getCode(), responseHeaders, stream, () -> {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (stream.atEof()) {
                response.close(); // fully read: the connection goes back to the pool
                return;
            }
            // Unread body (an event stream, an abandoned answer): drop the connection rather than drain it.
            request.cancel();
            try {
                response.close();
            } catch (IOException ignored) {
                // the connection was aborted just above
            }
        }, request::isCancelled);
    }

    /** Knows whether the body was read to its end (then its connection may be reused). */
    private static final class EofTrackingStream extends java.io.FilterInputStream {
        private volatile boolean eof;

        EofTrackingStream(InputStream in) {
            super(in);
        }

        boolean atEof() {
            return eof;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            eof |= b == -1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            eof |= n == -1;
            return n;
        }
    }

    private static IOException unwrap(IOException e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof EgressRefusedException refused) {
                return refused;
            }
            t = t.getCause();
        }
        return e;
    }

    byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > settings.maxResponseBytes()) {
                throw new EgressTooLargeException("The response is larger than "
                        + settings.maxResponseBytes() / (1024 * 1024) + " MB; the console stops reading there.");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** A builder of a {@link java.net.http.HttpClient} that sends through this door (for the MCP SDK). */
    public java.net.http.HttpClient.Builder jdkClientBuilder() {
        return jdkClientBuilder(java.util.function.UnaryOperator.identity());
    }

    /**
     * The same, the client it builds handed to {@code around} first: for a client that reads or changes the
     * exchanges on top of this door (the MCP session's resuming client). What the caller sets on the builder is
     * this door's to heed.
     */
    public java.net.http.HttpClient.Builder jdkClientBuilder(
            java.util.function.UnaryOperator<java.net.http.HttpClient> around) {
        return new EgressJdkHttpClient.Builder(this, around);
    }

    ExecutorService streams() {
        return streams;
    }

    @Override
    public void close() {
        evictor.cancel(false);
        try {
            http.close();
        } catch (IOException ignored) {
            // closing pooled connections: nothing left to do
        }
        streams.shutdownNow();
    }

    /** A response with an open body stream. */
    public record OpenResponse(URI uri, int status, Map<String, List<String>> headers, InputStream body,
            CloseAction closer, java.util.function.BooleanSupplier timedOut) implements AutoCloseable {

        @FunctionalInterface
        public interface CloseAction {
            void close() throws IOException;
        }

        @Override
        public void close() throws IOException {
            closer.close();
        }
    }
}
