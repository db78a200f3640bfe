package org.connectorconsole.support;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.connectorconsole.mcp.ProtocolRevision;

/**
 * Real MCP servers for tests, made with the MCP Java SDK's servlet transports in an embedded Tomcat bound to
 * 127.0.0.1 on a free port. One instance can host several endpoints; static JSON documents stand in for the
 * metadata a protected server publishes.
 */
public final class TestMcpServer implements AutoCloseable {

    /** Keeps Tomcat's start/stop chatter out of test output (strong references: JUL holds loggers weakly). */
    private static final java.util.logging.Logger[] QUIET = {
        java.util.logging.Logger.getLogger("org.apache.catalina"),
        java.util.logging.Logger.getLogger("org.apache.coyote"),
        java.util.logging.Logger.getLogger("org.apache.tomcat")};

    static {
        for (java.util.logging.Logger logger : QUIET) {
            logger.setLevel(java.util.logging.Level.SEVERE);
        }
    }

    private final Tomcat tomcat;
    private final Context context;
    private final Connector connector;
    private final List<McpSyncServer> servers = new ArrayList<>();
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, String> lastBodies = new ConcurrentHashMap<>();
    private final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
    private int servletCount;

    public TestMcpServer() {
        try {
            tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createTempDirectory("test-mcp-tomcat").toString());
            connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            context = tomcat.addContext("", Files.createTempDirectory("test-mcp-docs").toString());
            HttpServlet router = new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    requests.incrementAndGet();
                    String path = req.getRequestURI();
                    lastBodies.put(path, new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    String auth = req.getHeader("Authorization");
                    lastAuthorization.put(path, auth == null ? "" : auth);
                    if (redirects.containsKey(path)) {
                        resp.setStatus(302);
                        resp.setHeader("Location", redirects.get(path));
                        return;
                    }
                    if (statuses.containsKey(path)) {
                        resp.setStatus(statuses.get(path));
                        String doc = documents.get(path);
                        if (doc != null) {
                            resp.setHeader("WWW-Authenticate", doc);
                        }
                        return;
                    }
                    byte[] raw = rawDocuments.get(path);
                    if (raw != null) {
                        resp.setContentType(rawTypes.get(path));
                        resp.getOutputStream().write(raw);
                        return;
                    }
                    String doc = documents.get(path);
                    if (doc == null) {
                        resp.sendError(404);
                        return;
                    }
                    resp.setContentType("application/json");
                    resp.getOutputStream().write(doc.getBytes(StandardCharsets.UTF_8));
                }
            };
            Tomcat.addServlet(context, "router", router);
            context.addServletMappingDecoded("/", "router");
            tomcat.start();
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The MCP server added last (to change its tools while a test runs). */
    public McpSyncServer lastServer() {
        return servers.getLast();
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The body of the last request the document router answered at {@code path}. */
    public String lastBody(String path) {
        return lastBodies.get(path);
    }

    public String lastAuthorization(String path) {
        return lastAuthorization.get(path);
    }

    public int requestsToRouter() {
        return requests.get();
    }

    /** A Streamable HTTP MCP server at {@code path} with the given tools. */
    public TestMcpServer streamable(String path, String name, SyncToolSpecification... tools) {
        HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(path)
                .build();
        servers.add(McpServer.sync(provider)
                .serverInfo(name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tools)
                .build());
        addServlet(provider, path);
        return this;
    }

    /**
     * A Streamable HTTP MCP server at {@code path} whose tool handlers see what {@code extractor} takes from each HTTP
     * request (its headers, say) in {@code exchange.transportContext()}.
     */
    public TestMcpServer streamable(String path, String name,
            io.modelcontextprotocol.server.McpTransportContextExtractor<HttpServletRequest> extractor,
            SyncToolSpecification... tools) {
        HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(path)
                .contextExtractor(extractor)
                .build();
        servers.add(McpServer.sync(provider)
                .serverInfo(name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tools)
                .build());
        addServlet(provider, path);
        return this;
    }

    /** The servers at one path, to change their tools while a test runs. */
    private final Map<String, ToolHost> hosts = new ConcurrentHashMap<>();
    private final List<io.modelcontextprotocol.modern.server.McpServer> modernServers = new ArrayList<>();
    /** The key test servers seal {@code requestState} with. */
    private static final byte[] STATE_KEY = "test-mcp-server-request-state-key".getBytes(StandardCharsets.UTF_8);

    /** What serves a path's tools: the classic server, the 2026-07-28 server's tool list, or both. */
    private static final class ToolHost {
        McpSyncServer classic;
        ModernTools modern;
    }

    /**
     * The tools of a 2026-07-28 server: changed while it runs, each change announced to {@code subscriptions/listen}
     * streams; listed with {@code ttlMs} when one is set.
     */
    static final class ModernTools implements io.modelcontextprotocol.modern.server.feature.McpSyncToolRepository {
        final Map<String, TestTool> tools = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
        final io.modelcontextprotocol.modern.server.feature.McpChangeFeed feed =
                new io.modelcontextprotocol.modern.server.feature.McpChangeFeed();
        volatile Long ttlMs;
        final AtomicInteger listings = new AtomicInteger();

        @Override
        public io.modelcontextprotocol.modern.server.feature.ToolsPage list(
                io.modelcontextprotocol.modern.server.McpRequestContext ctx, String cursor) {
            listings.incrementAndGet();
            List<io.modelcontextprotocol.modern.McpSchema.Tool> definitions;
            synchronized (tools) {
                definitions = tools.values().stream().map(t -> t.modern().definition()).toList();
            }
            return new io.modelcontextprotocol.modern.server.feature.ToolsPage(definitions, null, ttlMs, null);
        }

        @Override
        public io.modelcontextprotocol.modern.server.feature.McpSyncTool find(
                io.modelcontextprotocol.modern.server.McpRequestContext ctx, String name) {
            TestTool tool = tools.get(name);
            return tool == null ? null : tool.modern();
        }
    }

    /** A server that speaks only 2026-07-28 (the MCP SDK's modern server) at {@code path}. */
    public TestMcpServer modern(String path, String name, TestTool... tools) {
        ToolHost host = hosts.computeIfAbsent(path, p -> new ToolHost());
        host.modern = new ModernTools();
        for (TestTool tool : tools) {
            host.modern.tools.put(tool.name(), tool);
        }
        addServlet(modernServlet(path, name, host.modern), path);
        return this;
    }

    /** A server that speaks only 2026-07-28 at {@code path}, its {@code serverInfo} publishing {@code icons}. */
    public TestMcpServer modernWithIcons(String path, String name,
            List<io.modelcontextprotocol.modern.McpSchema.Icon> icons, TestTool... tools) {
        ToolHost host = hosts.computeIfAbsent(path, p -> new ToolHost());
        host.modern = new ModernTools();
        for (TestTool tool : tools) {
            host.modern.tools.put(tool.name(), tool);
        }
        addServlet(modernServlet(path, name, host.modern, icons), path);
        return this;
    }

    private HttpServlet modernServlet(String path, String name, ModernTools tools) {
        return modernServlet(path, name, tools, null);
    }

    private HttpServlet modernServlet(String path, String name, ModernTools tools,
            List<io.modelcontextprotocol.modern.McpSchema.Icon> icons) {
        io.modelcontextprotocol.modern.server.McpServer server = io.modelcontextprotocol.modern.server.McpServer
                .builder()
                .serverInfo(new io.modelcontextprotocol.modern.McpSchema.Implementation(name, null, "2.0.0", null,
                        icons, null))
                .feature(io.modelcontextprotocol.modern.server.feature.ToolsFeature.ofSync(tools))
                .subscriptions(tools.feed)
                .requestStateCodec(io.modelcontextprotocol.modern.server.HmacRequestStateCodec.builder()
                        .key(STATE_KEY).build())
                .build();
        modernServers.add(server);
        return io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport.builder(server)
                .endpoint(path)
                .build();
    }

    /**
     * A server that speaks both revisions at {@code path}: a request carrying {@code MCP-Protocol-Version:
     * 2026-07-28} goes to the 2026-07-28 server, everything else (initialize, the session's requests, GET and
     * DELETE) to the classic one. Both offer the same tools.
     */
    public TestMcpServer bothRevisions(String path, String name, TestTool... tools) {
        ToolHost host = hosts.computeIfAbsent(path, p -> new ToolHost());
        host.modern = new ModernTools();
        for (TestTool tool : tools) {
            host.modern.tools.put(tool.name(), tool);
        }
        HttpServlet modern = modernServlet(path, name, host.modern);
        HttpServletStreamableServerTransportProvider classic = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(path)
                .build();
        host.classic = McpServer.sync(classic)
                .serverInfo(name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(java.util.Arrays.stream(tools).map(TestTool::classic).toList())
                .build();
        servers.add(host.classic);
        addServlet(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp)
                    throws jakarta.servlet.ServletException, IOException {
                if (ProtocolRevision.MODERN.equals(req.getHeader("MCP-Protocol-Version"))) {
                    modern.service(req, resp);
                } else {
                    classic.service(req, resp);
                }
            }
        }, path);
        return this;
    }

    /** A server that speaks only 2025-11-25 (the MCP SDK's classic server), its tools changeable by path. */
    public TestMcpServer classicOnly(String path, String name, TestTool... tools) {
        streamable(path, name, java.util.Arrays.stream(tools).map(TestTool::classic)
                .toArray(SyncToolSpecification[]::new));
        hosts.computeIfAbsent(path, p -> new ToolHost()).classic = lastServer();
        return this;
    }

    /**
     * Replaces (or adds) a tool of the server(s) at {@code path}, announcing the change: the classic server sends
     * {@code notifications/tools/list_changed} to open sessions, the 2026-07-28 server to {@code subscriptions/listen}
     * streams.
     */
    public void replaceTool(String path, TestTool tool) {
        ToolHost host = hosts.get(path);
        if (host.classic != null) {
            try {
                host.classic.removeTool(tool.name());
            } catch (RuntimeException absent) {
                // a new tool
            }
            host.classic.addTool(tool.classic());
        }
        if (host.modern != null) {
            host.modern.tools.put(tool.name(), tool);
            host.modern.feed.broadcast(new io.modelcontextprotocol.modern.server.feature.ServerChange.ToolsListChanged());
        }
    }

    /** The {@code ttlMs} the 2026-07-28 server at {@code path} lists its tools with (null: none). */
    public void toolListTtl(String path, Long ttlMs) {
        hosts.get(path).modern.ttlMs = ttlMs;
    }

    /** How many times the 2026-07-28 server at {@code path} has listed its tools. */
    public int modernListings(String path) {
        return hosts.get(path).modern.listings.get();
    }

    private final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Keeps the body of every message posted to {@code path} (an MCP endpoint added before), once its server has
     * read it: {@link #received()} shows what a client sent, notifications included.
     */
    public TestMcpServer recordMessages(String path) {
        addFilter("record" + (++servletCount), path, new jakarta.servlet.Filter() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                    jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
                if (!"POST".equals(((HttpServletRequest) request).getMethod())) {
                    chain.doFilter(request, response);
                    return;
                }
                var cached = new org.springframework.web.util.ContentCachingRequestWrapper(
                        (HttpServletRequest) request, 1 << 20);
                try {
                    chain.doFilter(cached, response);
                } finally {
                    received.add(new String(cached.getContentAsByteArray(), StandardCharsets.UTF_8));
                }
            }
        });
        return this;
    }

    /**
     * Makes the server at {@code path} forget its sessions once: the next POST that names a session
     * ({@code Mcp-Session-Id}) is answered 404, as a restarted server answers, without reaching the MCP server.
     */
    public TestMcpServer forgetSessionsOnce(String path) {
        java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean(true);
        addFilter("forget" + (++servletCount), path, (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            if ("POST".equals(http.getMethod()) && http.getHeader("Mcp-Session-Id") != null
                    && pending.compareAndSet(true, false)) {
                ((jakarta.servlet.http.HttpServletResponse) response).sendError(404, "Session not found");
                return;
            }
            chain.doFilter(request, response);
        });
        return this;
    }

    /**
     * Keeps, for every request to {@code path}, its method and the session it names ({@code "GET 3f2a…"}; no
     * session: the method alone), in arrival order, in the list handed back.
     */
    public List<String> recordRequests(String path) {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        addFilter("requests" + (++servletCount), path, (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            String session = http.getHeader("Mcp-Session-Id");
            seen.add(http.getMethod() + (session == null ? "" : " " + session));
            chain.doFilter(request, response);
        });
        return seen;
    }

    /**
     * Keeps, for every POST to {@code path}, the value of request header {@code header} (empty text when absent),
     * in arrival order, in the list handed back.
     */
    public List<String> recordHeader(String path, String header) {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        addFilter("header" + (++servletCount), path, (request, response, chain) -> {
            if ("POST".equals(((HttpServletRequest) request).getMethod())) {
                String value = ((HttpServletRequest) request).getHeader(header);
                seen.add(value == null ? "" : value);
            }
            chain.doFilter(request, response);
        });
        return seen;
    }

    /**
     * Makes the server at {@code path} take {@code stall} to accept a {@code notifications/cancelled} (a server
     * that is stuck, or slow to answer).
     */
    public TestMcpServer stallCancelNotices(String path, java.time.Duration stall) {
        beforeEachPost("stall", path, body -> {
            if (body.contains("\"notifications/cancelled\"")) {
                try {
                    Thread.sleep(stall);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return this;
    }

    /**
     * Holds the server at {@code path}'s next {@code tools/list} until the test lets it go: {@link ListingHold#arrived}
     * completes when it has come in, {@link ListingHold#release()} answers it. Later listings pass at once.
     */
    public ListingHold holdNextToolListing(String path) {
        ListingHold hold = new ListingHold();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
        beforeEachPost("hold", path, body -> {
            if (body.contains("\"tools/list\"") && armed.compareAndSet(true, false)) {
                hold.arrived.complete(null);
                try {
                    hold.released.get(120, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // answered anyway: the test failed or forgot to release
                }
            }
        });
        return hold;
    }

    /** See {@link #holdNextToolListing}. */
    public static final class ListingHold {
        public final java.util.concurrent.CompletableFuture<Void> arrived = new java.util.concurrent.CompletableFuture<>();
        private final java.util.concurrent.CompletableFuture<Void> released =
                new java.util.concurrent.CompletableFuture<>();

        public void release() {
            released.complete(null);
        }
    }

    /** Runs {@code hook} with the body of each POST to {@code path} before the server reads it (from a copy). */
    private void beforeEachPost(String name, String path, java.util.function.Consumer<String> hook) {
        addFilter(name + (++servletCount), path, new jakarta.servlet.Filter() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                    jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
                HttpServletRequest req = (HttpServletRequest) request;
                if (!"POST".equals(req.getMethod())) {
                    chain.doFilter(request, response);
                    return;
                }
                byte[] body = req.getInputStream().readAllBytes();
                hook.accept(new String(body, StandardCharsets.UTF_8));
                chain.doFilter(new jakarta.servlet.http.HttpServletRequestWrapper(req) {
                    @Override
                    public jakarta.servlet.ServletInputStream getInputStream() {
                        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
                        return new jakarta.servlet.ServletInputStream() {
                            @Override
                            public int read() {
                                return in.read();
                            }

                            @Override
                            public int read(byte[] b, int off, int len) {
                                return in.read(b, off, len);
                            }

                            @Override
                            public boolean isFinished() {
                                return in.available() == 0;
                            }

                            @Override
                            public boolean isReady() {
                                return true;
                            }

                            @Override
                            public void setReadListener(jakarta.servlet.ReadListener listener) {
                                throw new UnsupportedOperationException();
                            }
                        };
                    }

                    @Override
                    public java.io.BufferedReader getReader() {
                        return new java.io.BufferedReader(new java.io.InputStreamReader(
                                new java.io.ByteArrayInputStream(body), StandardCharsets.UTF_8));
                    }
                }, response);
            }
        });
    }

    private final Map<String, AtomicInteger> disconnects = new ConcurrentHashMap<>();

    /**
     * Counts, for the endpoint at {@code path}, the responses whose client went away while the server was still
     * writing an event stream to it (its writer reports an error): how a server sees a client close a stream.
     */
    public TestMcpServer watchDisconnects(String path) {
        AtomicInteger count = disconnects.computeIfAbsent(path, p -> new AtomicInteger());
        addFilter("disconnects" + (++servletCount), path, new jakarta.servlet.Filter() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                    jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
                java.util.concurrent.atomic.AtomicBoolean seen = new java.util.concurrent.atomic.AtomicBoolean();
                chain.doFilter(request, new jakarta.servlet.http.HttpServletResponseWrapper(
                        (HttpServletResponse) response) {
                    private java.io.PrintWriter writer;

                    @Override
                    public synchronized java.io.PrintWriter getWriter() throws IOException {
                        if (writer == null) {
                            writer = new java.io.PrintWriter(super.getWriter()) {
                                @Override
                                public boolean checkError() {
                                    boolean error = super.checkError();
                                    if (error && seen.compareAndSet(false, true)) {
                                        count.incrementAndGet();
                                    }
                                    return error;
                                }
                            };
                        }
                        return writer;
                    }
                });
            }
        });
        return this;
    }

    /** How many clients went away mid-stream at {@code path} (see {@link #watchDisconnects}). */
    public int disconnects(String path) {
        return disconnects.get(path).get();
    }

    /** Puts {@code filter} in front of {@code path} on the running server. */
    private void addFilter(String name, String path, jakarta.servlet.Filter filter) {
        org.apache.tomcat.util.descriptor.web.FilterDef def = new org.apache.tomcat.util.descriptor.web.FilterDef();
        def.setFilterName(name);
        def.setAsyncSupported("true");
        def.setFilter(filter);
        context.addFilterDef(def);
        org.apache.tomcat.util.descriptor.web.FilterMap map = new org.apache.tomcat.util.descriptor.web.FilterMap();
        map.setFilterName(name);
        map.addURLPattern(path);
        context.addFilterMap(map);
        // the context is running: have it instantiate the filters it was given
        ((org.apache.catalina.core.StandardContext) context).filterStart();
    }

    /** The messages posted to paths given to {@link #recordMessages}, in the order their handling ended. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** A legacy HTTP+SSE MCP server: events at {@code ssePath}, messages posted to {@code messagePath}. */
    public TestMcpServer sse(String ssePath, String messagePath, String name, SyncToolSpecification... tools) {
        HttpServletSseServerTransportProvider provider = HttpServletSseServerTransportProvider.builder()
                .sseEndpoint(ssePath)
                .messageEndpoint(messagePath)
                .build();
        servers.add(McpServer.sync(provider)
                .serverInfo(name, "0.9.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tools)
                .build());
        addServlet(provider, ssePath);
        addServletMapping(messagePath);
        return this;
    }

    private void addServlet(HttpServlet servlet, String path) {
        String name = "mcp" + (servletCount++);
        var wrapper = Tomcat.addServlet(context, name, servlet);
        wrapper.setAsyncSupported(true);
        context.addServletMappingDecoded(path, name);
        lastServlet = name;
    }

    private String lastServlet;

    private void addServletMapping(String path) {
        context.addServletMappingDecoded(path, lastServlet);
    }

    private final Map<String, byte[]> rawDocuments = new ConcurrentHashMap<>();
    private final Map<String, String> rawTypes = new ConcurrentHashMap<>();

    /**
     * Serves {@code body} at {@code path} with the given Content-Type (an icon, or something claiming to be one);
     * {@link #lastAuthorization(String)} tells what Authorization header its last request carried ("" for none).
     */
    public TestMcpServer bytes(String path, String contentType, byte[] body) {
        rawTypes.put(path, contentType);
        rawDocuments.put(path, body.clone());
        return this;
    }

    /** Whether the document router answered a request at {@code path}. */
    public boolean requested(String path) {
        return lastAuthorization.containsKey(path);
    }

    /**
     * A Streamable HTTP MCP server (2025-11-25) at {@code path} whose {@code serverInfo} publishes {@code icons}
     * (MCP 2025-11-25 Implementation.icons).
     */
    public TestMcpServer streamableWithIcons(String path, String name, List<McpSchema.Icon> icons,
            SyncToolSpecification... tools) {
        HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(path)
                .build();
        servers.add(McpServer.sync(provider)
                .serverInfo(new McpSchema.Implementation(name, null, "1.0.0", null, icons, null))
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tools)
                .build());
        addServlet(provider, path);
        return this;
    }

    /** {@code spec}'s tool publishing {@code icons}. */
    public static SyncToolSpecification withIcons(SyncToolSpecification spec, List<McpSchema.Icon> icons) {
        McpSchema.Tool t = spec.tool();
        McpSchema.Tool tool = McpSchema.Tool.builder(t.name()).description(t.description())
                .inputSchema(t.inputSchema()).icons(icons).build();
        return new SyncToolSpecification(tool, spec.callHandler());
    }

    /** Serves a JSON document at {@code path}. */
    public TestMcpServer document(String path, String json) {
        documents.put(path, json);
        return this;
    }

    /** Answers {@code status} at {@code path}, with a WWW-Authenticate header when given. */
    public TestMcpServer status(String path, int status, String wwwAuthenticate) {
        statuses.put(path, status);
        if (wwwAuthenticate != null) {
            documents.put(path, wwwAuthenticate);
        }
        return this;
    }

    public TestMcpServer redirect(String path, String location) {
        redirects.put(path, location);
        return this;
    }

    /**
     * A protected MCP endpoint as an OAuth-protected server publishes it: 401 with a Bearer challenge naming its
     * resource metadata, the metadata, and its authorization server's metadata (S256 PKCE, dynamic registration).
     */
    public TestMcpServer protectedEndpoint(String path, boolean pkce, boolean registration) {
        String base = "http://127.0.0.1:" + port();
        String issuer = base + "/as";
        status(path, 401, "Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource" + path
                + "\", scope=\"tools.read\"");
        document("/.well-known/oauth-protected-resource" + path, "{\"resource\":\"" + base + path
                + "\",\"authorization_servers\":[\"" + issuer + "\"],\"scopes_supported\":[\"tools.read\"]}");
        document("/.well-known/oauth-authorization-server/as", "{\"issuer\":\"" + issuer + "\","
                + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\","
                + (registration ? "\"registration_endpoint\":\"" + issuer + "/register\"," : "")
                + "\"code_challenge_methods_supported\":" + (pkce ? "[\"S256\"]" : "[]") + ","
                + "\"response_types_supported\":[\"code\"]}");
        return this;
    }

    /**
     * A protected endpoint like {@link #protectedEndpoint}, whose authorization server metadata names every address
     * a server can hand back (authorization, token, registration, revocation, JWKS) on this server, except
     * {@code field}, which names {@code address} instead: how a hostile or misconfigured server points the console
     * somewhere else.
     */
    public TestMcpServer protectedEndpointPointing(String path, String field, String address) {
        String base = "http://127.0.0.1:" + port();
        String issuer = base + "/as";
        status(path, 401, "Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource" + path
                + "\"");
        document("/.well-known/oauth-protected-resource" + path, "{\"resource\":\"" + base + path
                + "\",\"authorization_servers\":[\"" + issuer + "\"]}");
        java.util.Map<String, String> addresses = new java.util.LinkedHashMap<>();
        addresses.put("authorization_endpoint", issuer + "/authorize");
        addresses.put("token_endpoint", issuer + "/token");
        addresses.put("registration_endpoint", issuer + "/register");
        addresses.put("revocation_endpoint", issuer + "/revoke");
        addresses.put("jwks_uri", issuer + "/jwks");
        addresses.put(field, address);
        StringBuilder json = new StringBuilder("{\"issuer\":\"" + issuer + "\",");
        addresses.forEach((k, v) -> json.append('"').append(k).append("\":\"").append(v).append("\","));
        json.append("\"code_challenge_methods_supported\":[\"S256\"],\"response_types_supported\":[\"code\"]}");
        document("/.well-known/oauth-authorization-server/as", json.toString());
        return this;
    }

    /** Scopes the OAuth-protected endpoints demand now (tests add one to provoke a step-up). */
    private final java.util.Set<String> requiredScopes = ConcurrentHashMap.newKeySet();
    private final AtomicInteger bearerAccepted = new AtomicInteger();

    /**
     * A Streamable HTTP MCP server at {@code path} behind a bearer-token filter, as a real protected server is:
     * no or an inactive token → 401 with a challenge naming its resource metadata and scope; a token lacking a
     * required scope → 403 {@code insufficient_scope}. Tokens are checked by introspection at the authorization
     * server (so revocation takes effect at once). Its resource metadata names that server.
     */
    public TestMcpServer oauthProtected(String path, String name, String issuer, String scope,
            SyncToolSpecification... tools) {
        streamable(path, name, tools);
        return protectWithBearer(path, issuer, scope);
    }

    /**
     * As {@link #oauthProtected(String, String, String, String, SyncToolSpecification...)}, a server that also offers
     * one resource ({@code file:///notes/today.md}, text "Buy milk"), one resource template
     * ({@code file:///notes/{day}.md}, read as "Notes of <day>") and one prompt ({@code summarize}, argument
     * {@code topic}, answering "Summarize <topic>."), and completions for the prompt's argument (week, weekend,
     * winter) and the template's (monday, tuesday, wednesday).
     */
    public TestMcpServer oauthProtectedWithResourcesAndPrompts(String path, String name, String issuer, String scope,
            SyncToolSpecification... tools) {
        withResourcesAndPrompts(path, name, tools);
        return protectWithBearer(path, issuer, scope);
    }

    /**
     * An open (no sign-in) server with the resource, template and prompt of
     * {@link #oauthProtectedWithResourcesAndPrompts}.
     */
    public TestMcpServer withResourcesAndPrompts(String path, String name, SyncToolSpecification... tools) {
        HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(path)
                .build();
        McpSchema.Resource resource = McpSchema.Resource.builder("file:///notes/today.md", "today")
                .mimeType("text/markdown").build();
        McpSchema.Prompt prompt = new McpSchema.Prompt("summarize", "Summarize a topic",
                List.of(new McpSchema.PromptArgument("topic", "What to summarize", true)));
        var dayNotes = new io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification(
                McpSchema.ResourceTemplate.builder().uriTemplate("file:///notes/{day}.md").name("day")
                        .description("The notes of a day").mimeType("text/markdown").build(),
                (exchange, request) -> new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                        request.uri(), "text/markdown", "Notes of "
                                + request.uri().substring("file:///notes/".length()).replace(".md", "")))));
        servers.add(McpServer.sync(provider)
                .serverInfo(name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).resources(false, false)
                        .prompts(false).completions().build())
                .tools(tools)
                .completions(completion(new McpSchema.PromptReference("summarize"), "week", "weekend", "winter"),
                        completion(new McpSchema.ResourceReference("file:///notes/{day}.md"), "monday", "tuesday",
                                "wednesday"))
                .resources(new io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification(resource,
                        (exchange, request) -> new McpSchema.ReadResourceResult(List.of(
                                new McpSchema.TextResourceContents(request.uri(), "text/markdown", "Buy milk")))))
                .resourceTemplates(dayNotes)
                .prompts(new io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification(prompt,
                        (exchange, request) -> new McpSchema.GetPromptResult("Summary", List.of(
                                new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(
                                        "Summarize " + request.arguments().get("topic") + "."))))))
                .build());
        addServlet(provider, path);
        return this;
    }

    /** Completes any argument of {@code ref} with those of {@code values} that start with what was typed. */
    private static io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification completion(
            McpSchema.CompleteReference ref, String... values) {
        return new io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification(ref,
                (exchange, request) -> new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(
                        java.util.Arrays.stream(values).filter(v -> v.startsWith(request.argument().value())).toList(),
                        null, false)));
    }

    /**
     * A server that speaks only 2026-07-28 at {@code path}, offering the resource and prompt of
     * {@link #withResourcesAndPrompts} (and no tools).
     */
    public TestMcpServer modernWithResourcesAndPrompts(String path, String name) {
        io.modelcontextprotocol.modern.McpSchema.Resource resource = io.modelcontextprotocol.modern.McpSchema.Resource
                .builder("file:///notes/today.md", "today").build();
        io.modelcontextprotocol.modern.McpSchema.Prompt prompt = io.modelcontextprotocol.modern.McpSchema.Prompt
                .builder("summarize").arguments(List.of(new io.modelcontextprotocol.modern.McpSchema.PromptArgument(
                        "topic", null, "What to summarize", true))).build();
        var resources = new io.modelcontextprotocol.modern.server.feature.McpSyncResourceRepository() {
            @Override
            public io.modelcontextprotocol.modern.server.feature.ResourcesPage list(
                    io.modelcontextprotocol.modern.server.McpRequestContext ctx, String cursor) {
                return io.modelcontextprotocol.modern.server.feature.ResourcesPage.of(List.of(resource));
            }

            @Override
            public io.modelcontextprotocol.modern.server.feature.McpSyncResource find(
                    io.modelcontextprotocol.modern.server.McpRequestContext ctx, String uri) {
                if (!uri.equals(resource.uri())) {
                    return null;
                }
                return io.modelcontextprotocol.modern.server.feature.McpSyncResource.of((c, request) ->
                        io.modelcontextprotocol.modern.server.McpSyncResponse.result(
                                io.modelcontextprotocol.modern.McpSchema.ReadResourceResult.builder(List.of(
                                        io.modelcontextprotocol.modern.McpSchema.TextResourceContents.builder(
                                                request.uri(), "Buy milk").build())).build()));
            }
        };
        var prompts = new io.modelcontextprotocol.modern.server.feature.McpSyncPromptRepository() {
            @Override
            public io.modelcontextprotocol.modern.server.feature.PromptsPage list(
                    io.modelcontextprotocol.modern.server.McpRequestContext ctx, String cursor) {
                return io.modelcontextprotocol.modern.server.feature.PromptsPage.of(List.of(prompt));
            }

            @Override
            public io.modelcontextprotocol.modern.server.feature.McpSyncPrompt find(
                    io.modelcontextprotocol.modern.server.McpRequestContext ctx, String promptName) {
                if (!promptName.equals(prompt.name())) {
                    return null;
                }
                return io.modelcontextprotocol.modern.server.feature.McpSyncPrompt.of(prompt, (c, request) ->
                        io.modelcontextprotocol.modern.server.McpSyncResponse.result(
                                io.modelcontextprotocol.modern.McpSchema.GetPromptResult.builder(List.of(
                                        new io.modelcontextprotocol.modern.McpSchema.PromptMessage(
                                                io.modelcontextprotocol.modern.McpSchema.Role.USER,
                                                io.modelcontextprotocol.modern.McpSchema.TextContent.builder(
                                                        "Summarize " + request.arguments().get("topic") + ".")
                                                        .build()))).build()))
                        // the topic completes as on the 2025-11-25 server (week, weekend, winter)
                        .withCompletionHandler((c, request) -> io.modelcontextprotocol.modern.McpSchema.CompleteResult
                                .of(new io.modelcontextprotocol.modern.McpSchema.CompleteResult.Completion(
                                        java.util.stream.Stream.of("week", "weekend", "winter")
                                                .filter(v -> v.startsWith(request.argument().value())).toList())));
            }

            @Override
            public boolean supportsCompletion() {
                return true;
            }
        };
        io.modelcontextprotocol.modern.server.McpServer server = io.modelcontextprotocol.modern.server.McpServer
                .builder()
                .serverInfo(new io.modelcontextprotocol.modern.McpSchema.Implementation(name, null, "2.0.0", null,
                        null, null))
                .feature(io.modelcontextprotocol.modern.server.feature.ResourcesFeature.ofSync(resources))
                .feature(io.modelcontextprotocol.modern.server.feature.PromptsFeature.ofSync(prompts))
                .requestStateCodec(io.modelcontextprotocol.modern.server.HmacRequestStateCodec.builder()
                        .key(STATE_KEY).build())
                .build();
        modernServers.add(server);
        addServlet(io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport.builder(server)
                .endpoint(path)
                .build(), path);
        return this;
    }

    /** Which revisions a test server speaks. */
    public enum Speaks { ONLY_2026_07_28, ONLY_2025_11_25, BOTH }

    /** As {@link #oauthProtected(String, String, String, String, SyncToolSpecification...)}, for any revisions. */
    public TestMcpServer oauthProtected(String path, String name, String issuer, String scope, Speaks speaks,
            TestTool... tools) {
        switch (speaks) {
            case ONLY_2026_07_28 -> modern(path, name, tools);
            case ONLY_2025_11_25 -> classicOnly(path, name, tools);
            case BOTH -> bothRevisions(path, name, tools);
        }
        return protectWithBearer(path, issuer, scope);
    }

    /** A bearer-token filter in front of the MCP endpoint at {@code path}, and its resource metadata. */
    private TestMcpServer protectWithBearer(String path, String issuer, String scope) {
        String base = "http://127.0.0.1:" + port();
        String metadata = base + "/.well-known/oauth-protected-resource" + path;
        requiredScopes.add(scope);
        protectedBy.put(path, issuer);
        protectedScope.put(path, scope);
        moveProtected(path, issuer);
        java.net.http.HttpClient introspection = java.net.http.HttpClient.newHttpClient();
        String basic = java.util.Base64.getEncoder().encodeToString((testpeers.TestAuthorizationServer.RESOURCE_SERVER_ID
                + ":" + testpeers.TestAuthorizationServer.RESOURCE_SERVER_SECRET).getBytes(StandardCharsets.UTF_8));
        addFilter("bearer" + servletCount, path, new jakarta.servlet.Filter() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                    jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
                HttpServletRequest req = (HttpServletRequest) request;
                HttpServletResponse resp = (HttpServletResponse) response;
                String header = req.getHeader("Authorization");
                authorizationsSeen.add(String.valueOf(header));
                java.util.Set<String> granted = null;
                if (header != null && header.startsWith("Bearer ")) {
                    granted = introspect(introspection, protectedBy.get(path), basic, header.substring(7));
                }
                if (granted == null) {
                    resp.setStatus(401);
                    resp.setHeader("WWW-Authenticate", "Bearer resource_metadata=\"" + metadata + "\", scope=\""
                            + scope + "\"");
                    return;
                }
                if (!granted.containsAll(requiredScopes)) {
                    resp.setStatus(403);
                    resp.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\""
                            + String.join(" ", new java.util.TreeSet<>(requiredScopes)) + "\", resource_metadata=\""
                            + metadata + "\"");
                    return;
                }
                bearerAccepted.incrementAndGet();
                chain.doFilter(request, response);
            }
        });
        return this;
    }

    private final Map<String, String> protectedBy = new ConcurrentHashMap<>();
    private final Map<String, String> protectedScope = new ConcurrentHashMap<>();

    /**
     * The endpoint at {@code path} (made by {@link #oauthProtected}) moves to the authorization server {@code issuer}:
     * its resource metadata names that one from now on, and only its tokens are accepted.
     */
    public TestMcpServer moveProtected(String path, String issuer) {
        protectedBy.put(path, issuer);
        document("/.well-known/oauth-protected-resource" + path, "{\"resource\":\"http://127.0.0.1:" + port()
                + path + "\",\"authorization_servers\":[\"" + issuer + "\"],\"scopes_supported\":[\""
                + protectedScope.get(path) + "\",\"mcp:admin\"]}");
        return this;
    }

    private static java.util.Set<String> introspect(java.net.http.HttpClient client, String issuer, String basic,
            String token) throws IOException {
        try {
            var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(issuer
                            + "/oauth2/introspect"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token="
                            + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8)))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(response.body());
            if (!json.path("active").asBoolean(false)) {
                return null;
            }
            return new java.util.HashSet<>(java.util.Arrays.asList(json.path("scope").asString("").split(" ")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public void requireScope(String scope) {
        requiredScopes.add(scope);
    }

    public void clearScope(String scope) {
        requiredScopes.remove(scope);
    }

    private final List<String> authorizationsSeen = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Every Authorization header an OAuth-protected endpoint received ("null" for none), in order. */
    public List<String> authorizationsSeen() {
        return List.copyOf(authorizationsSeen);
    }

    public int bearerAccepted() {
        return bearerAccepted.get();
    }

    public static SyncToolSpecification echoTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("echo")
                .description("Repeats the message it is given")
                .inputSchema(Map.of("type", "object", "properties",
                        Map.of("message", Map.of("type", "string", "description", "What to repeat")),
                        "required", List.of("message")))
                .build();
        return new SyncToolSpecification(tool, (exchange, request) -> McpSchema.CallToolResult.builder()
                .addTextContent(String.valueOf(request.arguments().get("message"))).build());
    }

    public static SyncToolSpecification addTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("add")
                .description("Adds two numbers")
                .inputSchema(Map.of("type", "object", "properties",
                        Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")),
                        "required", List.of("a", "b")))
                .build();
        return new SyncToolSpecification(tool, (exchange, request) -> McpSchema.CallToolResult.builder()
                .addTextContent(String.valueOf(((Number) request.arguments().get("a")).doubleValue()
                        + ((Number) request.arguments().get("b")).doubleValue())).build());
    }

    @Override
    public void close() {
        modernServers.forEach(io.modelcontextprotocol.modern.server.McpServer::closeGracefully);
        servers.forEach(s -> {
            try {
                s.closeGracefully();
            } catch (RuntimeException ignored) {
                // closing a test server
            }
        });
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException ignored) {
            // closing a test server
        }
    }
}
