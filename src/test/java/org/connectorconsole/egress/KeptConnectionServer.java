package org.connectorconsole.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on 127.0.0.1 that keeps connections alive the way real servers do and closes one after it
 * has been idle for {@code idleClose}, saying so to the test at that exact moment ({@link #closed()}): a raw
 * socket server, so that nothing in it smooths over the close. {@code advertise} is the {@code Keep-Alive:
 * timeout} it announces (null: none, like uvicorn). {@code answer} false: it reads a request and closes without
 * answering (a server that crashed while handling it).
 */
final class KeptConnectionServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Duration idleClose;
    private final Integer advertise;
    private final boolean answer;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> closedByClient = new LinkedBlockingQueue<>();

    KeptConnectionServer(Duration idleClose, Integer advertise, boolean answer) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.idleClose = idleClose;
        this.advertise = advertise;
        this.answer = answer;
        Thread.ofPlatform().daemon().name("kept-connection-server").start(this::accept);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mcp");
    }

    int connections() {
        return connections.get();
    }

    int requests() {
        return requests.get();
    }

    /** Connection numbers (1, 2, ...) in the order the server closed them because they were idle. */
    BlockingQueue<Integer> closed() {
        return closed;
    }

    /** Connection numbers in the order the client closed them. */
    BlockingQueue<Integer> closedByClient() {
        return closedByClient;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                int number = connections.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> serve(s, number));
            } catch (IOException stopped) {
                return;
            }
        }
    }

    private void serve(Socket s, int number) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                s.setSoTimeout((int) idleClose.toMillis());
                String head;
                try {
                    head = readHead(in);
                } catch (SocketTimeoutException idle) {
                    s.close(); // the keep-alive timeout: a FIN, as Node and uvicorn send
                    closed.add(number);
                    return;
                }
                if (head == null) {
                    closedByClient.add(number);
                    return;
                }
                s.setSoTimeout(0);
                in.readNBytes(contentLength(head));
                requests.incrementAndGet();
                if (!answer) {
                    return;
                }
                String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                        + "\r\nConnection: keep-alive\r\n"
                        + (advertise == null ? "" : "Keep-Alive: timeout=" + advertise + "\r\n") + "\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException ended) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
