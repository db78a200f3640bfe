package org.connectorconsole.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 (a {@link ServerSocket}, no framework) whose paths misbehave the ways a real
 * MCP server can: it stalls, answers 500, cuts the connection mid-answer, streams events forever, sends 100 MB,
 * or pages {@code tools/list} forever. Raw sockets, because a framework would tidy up exactly the faults we
 * want (an abrupt close, a body shorter than its Content-Length).
 */
public final class MisbehavingMcpServer implements AutoCloseable {

    public static final String STALL = "/stall";
    public static final String ERROR_500 = "/error-500";
    public static final String CUT_MID_STREAM = "/cut";
    public static final String ENDLESS_EVENTS = "/endless-events";
    public static final String HUGE_RESPONSE = "/huge";
    public static final String ENDLESS_PAGES = "/endless-pages";
    /** Answers initialize with JSON cut off in the middle (a complete HTTP answer): the SDK's parser fails. */
    public static final String GARBLED_JSON = "/garbled-json";
    /** Initializes properly, then answers tools/list with a list where an object belongs: the SDK's mapping fails. */
    public static final String WRONG_SHAPE = "/wrong-shape";
    /**
     * Speaks only a revision from the future: {@code server/discover} lists 2099-01-01 alone, and every other request
     * (initialize) is refused with -32022 naming it.
     */
    public static final String FUTURE_ONLY = "/future-only";
    /**
     * A 2025-11-25 server that closes a tool call's event stream after a priming event (an id and
     * {@code retry: 300}) and answers on a GET that names that id in {@code Last-Event-ID} (SEP-1699).
     */
    public static final String RESUMING = "/resuming";
    /** 100 MB, announced in Content-Length and sent for as long as the client reads. */
    public static final long HUGE_BYTES = 100L * 1024 * 1024;

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|-?\\d+)");
    private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CURSOR = Pattern.compile("\"cursor\"\\s*:\\s*\"([^\"]+)\"");

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger toolPages = new AtomicInteger();
    private final AtomicInteger hugeBytesSent = new AtomicInteger();
    private final AtomicInteger eventsSent = new AtomicInteger();
    private final java.util.List<String> resumedWith = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long streamClosedAt;
    private volatile long resumedAt;
    private volatile String pendingCall;
    private volatile boolean closed;

    public MisbehavingMcpServer() {
        try {
            socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        threads.execute(this::acceptLoop);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    /** How many {@code tools/list} pages the endless pager has served. */
    public int toolPagesServed() {
        return toolPages.get();
    }

    /** Kilobytes of the 100 MB answer actually written before the client stopped reading. */
    public int hugeKilobytesSent() {
        return hugeBytesSent.get();
    }

    public int eventsSent() {
        return eventsSent.get();
    }

    /** The Last-Event-ID of each GET that resumed a stream at {@link #RESUMING}. */
    public java.util.List<String> resumedWith() {
        return java.util.List.copyOf(resumedWith);
    }

    /** How long after closing the tool call's stream the client resumed it. */
    public java.time.Duration resumedAfter() {
        return java.time.Duration.ofNanos(resumedAt - streamClosedAt);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private record Request(String method, String path, Map<String, String> headers, String body) {
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(120_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!closed) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                boolean keepOpen = answer(request, out);
                out.flush();
                if (!keepOpen) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away: that is how every misbehaviour here ends
        }
    }

    /** Returns whether the connection may carry another request. */
    private boolean answer(Request request, OutputStream out) throws IOException, InterruptedException {
        String path = request.path();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.equals(RESUMING) && request.method().equals("GET")) {
            return resume(request, out);
        }
        if (!request.method().equals("POST")) {
            // no GET stream, no session to delete: a Streamable HTTP server without either
            respond(out, 405, "text/plain", "method not allowed");
            return true;
        }
        String method = match(METHOD, request.body());
        String id = match(ID, request.body());
        if (id == null) {
            // a notification (notifications/initialized): accepted, nothing to say
            respond(out, 202, null, "");
            return true;
        }
        switch (path) {
            case STALL -> {
                // read the request, say nothing, keep the connection open until the client gives up
                while (!closed) {
                    Thread.sleep(200);
                }
                return false;
            }
            case ERROR_500 -> {
                respond(out, 500, "text/plain", "Internal Server Error: the database is on fire");
                return true;
            }
            case CUT_MID_STREAM -> {
                String full = "event: message\ndata: " + result(id, initializeResult()) + "\n\n";
                byte[] bytes = full.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
                        + (bytes.length * 4) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes, 0, bytes.length / 2);
                out.flush();
                return false; // closes the socket half-way through the promised body
            }
            case ENDLESS_EVENTS -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                // progress notifications forever, never the answer to the request
                for (int i = 0; !closed; i++) {
                    String event = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                            + "\"params\":{\"level\":\"info\",\"data\":\"still working " + i + "\"}}\n\n";
                    chunk(out, event.getBytes(StandardCharsets.UTF_8));
                    eventsSent.incrementAndGet();
                    Thread.sleep(20);
                }
                return false;
            }
            case HUGE_RESPONSE -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + HUGE_BYTES
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[64 * 1024];
                Arrays.fill(block, (byte) ' ');
                block[0] = '[';
                for (long sent = 0; sent < HUGE_BYTES && !closed; sent += block.length) {
                    out.write(block);
                    hugeBytesSent.addAndGet(block.length / 1024);
                    block[0] = ' ';
                }
                return false;
            }
            case ENDLESS_PAGES -> {
                if ("initialize".equals(method)) {
                    respond(out, 200, "application/json", result(id, initializeResult()));
                } else if ("tools/list".equals(method)) {
                    int page = toolPages.incrementAndGet();
                    String cursor = match(CURSOR, request.body());
                    String next = "page-" + page + "-after-" + (cursor == null ? "start" : cursor.length());
                    respond(out, 200, "application/json", result(id, "{\"tools\":[{\"name\":\"tool-" + page
                            + "\",\"description\":\"one of infinitely many\",\"inputSchema\":{\"type\":\"object\"}}],"
                            + "\"nextCursor\":\"" + next + "\"}"));
                } else {
                    respond(out, 200, "application/json", result(id, "{}"));
                }
                return true;
            }
            case GARBLED_JSON -> {
                respond(out, 200, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":" + id
                        + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{");
                return true;
            }
            case WRONG_SHAPE -> {
                if ("initialize".equals(method)) {
                    respond(out, 200, "application/json", result(id, initializeResult()));
                } else if ("tools/list".equals(method)) {
                    respond(out, 200, "application/json", result(id, "{\"tools\":[{\"name\":[\"not\",\"a\","
                            + "\"name\"],\"inputSchema\":\"not a schema\"}]}"));
                } else {
                    respond(out, 200, "application/json", result(id, "{}"));
                }
                return true;
            }
            case RESUMING -> {
                if ("initialize".equals(method)) {
                    respond(out, 200, "application/json", result(id, initializeResult()), "Mcp-Session-Id: s-1");
                } else if ("tools/list".equals(method)) {
                    respond(out, 200, "application/json", result(id, "{\"tools\":[{\"name\":\"patient\","
                            + "\"inputSchema\":{\"type\":\"object\"}}]}"));
                } else if ("tools/call".equals(method)) {
                    pendingCall = id;
                    String priming = "id: call-1\nretry: 300\ndata: \n\n";
                    respond(out, 200, "text/event-stream", priming, "Connection: close");
                    streamClosedAt = System.nanoTime();
                    return false;
                } else {
                    respond(out, 405, "text/plain", "method not allowed");
                }
                return true;
            }
            case FUTURE_ONLY -> {
                if ("server/discover".equals(method)) {
                    respond(out, 200, "application/json", result(id, "{\"supportedVersions\":[\"2099-01-01\"],"
                            + "\"capabilities\":{\"tools\":{}},\"ttlMs\":0,\"cacheScope\":\"private\","
                            + "\"resultType\":\"complete\"}"));
                } else {
                    respond(out, 400, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{"
                            + "\"code\":-32022,\"message\":\"Unsupported protocol version\",\"data\":{\"supported\":"
                            + "[\"2099-01-01\"],\"requested\":\"2025-11-25\"}}}");
                }
                return true;
            }
            default -> {
                respond(out, 404, "text/plain", "not found");
                return true;
            }
        }
    }

    /** A GET resuming the tool call's stream: the answer, then the stream stays open until the client closes. */
    private boolean resume(Request request, OutputStream out) throws IOException, InterruptedException {
        String last = request.headers().get("last-event-id");
        if (last == null || pendingCall == null) {
            respond(out, 405, "text/plain", "no stream to resume");
            return true;
        }
        resumedAt = System.nanoTime();
        resumedWith.add(last);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        chunk(out, ("id: call-2\nevent: message\ndata: " + result(pendingCall, "{\"content\":[{\"type\":\"text\","
                + "\"text\":\"resumed after " + last + "\"}]}") + "\n\n").getBytes(StandardCharsets.UTF_8));
        pendingCall = null;
        while (!closed) {
            chunk(out, ":\n\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
        }
        return false;
    }

    private static String initializeResult() {
        return "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                + "\"serverInfo\":{\"name\":\"misbehaving\",\"version\":\"1\"}}";
    }

    private static String result(String id, String result) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}";
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void respond(OutputStream out, int status, String type, String body, String... headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Length: ").append(bytes.length).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (type != null) {
            head.append("Content-Type: ").append(type).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    private static String match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static Request read(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = line(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line(in).strip().split(";")[0], 16);
                if (size == 0) {
                    line(in);
                    break;
                }
                all.write(in.readNBytes(size));
                line(in);
            }
            body = all.toByteArray();
        } else {
            body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        return new Request(parts[0], parts.length > 1 ? parts[1] : "/", headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        threads.shutdownNow();
    }
}
