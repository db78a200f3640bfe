package org.connectorconsole.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import org.connectorconsole.base.Incidents;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressFailures;
import org.connectorconsole.egress.EgressRefusedException;

/**
 * Talks MCP to a server through the egress client: finds its transport, then opens a session (initialize) and
 * lists its tools, following {@code nextCursor} within bounds.
 */
public final class McpProbe {

    public static final int MAX_TOOL_PAGES = 50;
    public static final int MAX_TOOLS = 2000;
    private static final String CLIENT_NAME = "connector-console";
    private static final String CLIENT_VERSION = "0.1";
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":\"probe-1\",\"method\":\"initialize\","
            + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"connector-console\",\"version\":\"0.1\"}}}";

    private static final java.util.regex.Pattern UNEXPECTED_STATUS =
            java.util.regex.Pattern.compile("status code:? (\\d{3})");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(McpProbe.class);

    private McpProbe() {
    }

    /**
     * Streamable HTTP first (POST initialize to the URL exactly as given); on 400, 404 or 405 the legacy HTTP+SSE
     * transport (GET, expecting an {@code endpoint} event).
     */
    public static TransportDetection detect(EgressClient egress, URI url, Duration timeout) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("Content-Type", "application/json");
        int status;
        List<String> challenge;
        String sessionId;
        String location;
        try (EgressClient.OpenResponse response = egress.open("POST", url, headers,
                INITIALIZE.getBytes(StandardCharsets.UTF_8), timeout)) {
            status = response.status();
            challenge = response.headers().getOrDefault("www-authenticate", List.of());
            sessionId = first(response.headers().get("mcp-session-id"));
            location = first(response.headers().get("location"));
        } catch (EgressRefusedException e) {
            return TransportDetection.failed(0, "refused before connecting", e.getMessage());
        } catch (IOException e) {
            return TransportDetection.failed(0, "no answer", describe(e, timeout));
        }
        if (status >= 200 && status < 300) {
            endSession(egress, url, sessionId, timeout);
            return TransportDetection.found(TransportKind.STREAMABLE_HTTP, status,
                    "POST initialize answered HTTP " + status);
        }
        if (status == 401) {
            return TransportDetection.needsAuth(TransportKind.STREAMABLE_HTTP, status, challenge,
                    "POST initialize answered HTTP 401 (authorization required)");
        }
        if (status >= 300 && status < 400) {
            return TransportDetection.failed(status, "HTTP " + status + " redirect to " + location,
                    "The server redirects to " + location + ". The console does not follow redirects: if you trust "
                            + "that address, use it as the connector's URL.");
        }
        if (status == 400 || status == 404 || status == 405) {
            return detectSse(egress, url, timeout, status);
        }
        return TransportDetection.failed(status, "POST initialize answered HTTP " + status,
                "The server answered HTTP " + status + " to an MCP initialize request.");
    }

    private static TransportDetection detectSse(EgressClient egress, URI url, Duration timeout, int postStatus) {
        try (EgressClient.OpenResponse response = egress.open("GET", url, Map.of("Accept", "text/event-stream"),
                null, timeout)) {
            int status = response.status();
            if (status == 401) {
                return TransportDetection.needsAuth(TransportKind.SSE, status,
                        response.headers().getOrDefault("www-authenticate", List.of()),
                        "POST answered HTTP " + postStatus + "; GET (SSE) answered HTTP 401");
            }
            String type = first(response.headers().get("content-type"));
            if (status != 200 || type == null || !type.toLowerCase().startsWith("text/event-stream")) {
                return TransportDetection.failed(status, "POST answered HTTP " + postStatus + ", GET answered HTTP "
                        + status + (type == null ? "" : " (" + type + ")"),
                        "This URL does not speak MCP: neither Streamable HTTP (POST) nor HTTP+SSE (GET) answered. "
                                + "Check the path; many servers use /mcp or /sse.");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            String event = null;
            String line;
            int lines = 0;
            while ((line = reader.readLine()) != null && lines++ < 200) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:") && "endpoint".equals(event)) {
                    return TransportDetection.found(TransportKind.SSE, status,
                            "POST answered HTTP " + postStatus + "; GET opened an event stream with an endpoint event");
                } else if (line.isEmpty()) {
                    event = null;
                }
            }
            return TransportDetection.failed(status, "event stream without an endpoint event",
                    "The event stream opened but never named its message endpoint.");
        } catch (EgressRefusedException e) {
            return TransportDetection.failed(0, "refused before connecting", e.getMessage());
        } catch (IOException e) {
            return TransportDetection.failed(0, "POST answered HTTP " + postStatus + "; GET (SSE) failed",
                    describe(e, timeout));
        }
    }

    private static void endSession(EgressClient egress, URI url, String sessionId, Duration timeout) {
        if (sessionId == null) {
            return;
        }
        try (EgressClient.OpenResponse ignored = egress.open("DELETE", url, Map.of("Mcp-Session-Id", sessionId),
                null, timeout)) {
            // the probe's session is not needed any more
        } catch (IOException e) {
            // the server keeps an idle session; harmless
        }
    }

    /** Opens a session, reads who the server is and lists its tools. */
    public static ProbeResult probe(EgressClient egress, URI url, TransportKind kind, Duration timeout)
            throws McpProbeException {
        return probe(egress, url, kind, timeout, null);
    }

    /**
     * As {@link #probe(EgressClient, URI, TransportKind, Duration)}, with {@code Authorization: Bearer} on every
     * request when a token is given. A 401 or 403 comes back as {@link McpAuthorizationException}.
     */
    public static ProbeResult probe(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            String bearerToken) throws McpProbeException {
        return probe(egress, url, kind, timeout, bearerToken, null);
    }

    /** As above; {@code then} runs in the open session after the tools are listed (a tool call, say). */
    public static ProbeResult probe(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            String bearerToken, java.util.function.BiConsumer<McpSyncClient, List<ToolInfo>> then)
            throws McpProbeException {
        McpClientTransport transport = transport(egress, url, kind, timeout, bearerToken);
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(timeout)
                .initializationTimeout(timeout)
                .clientInfo(new McpSchema.Implementation(CLIENT_NAME, CLIENT_VERSION))
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            List<ToolInfo> tools = List.of();
            boolean truncated = false;
            if (init.capabilities() != null && init.capabilities().tools() != null) {
                McpToolSession.ToolListing listing = listTools(client, timeout);
                tools = listing.tools();
                truncated = listing.truncated();
            }
            if (then != null) {
                then.accept(client, List.copyOf(tools));
            }
            return new ProbeResult(init.serverInfo() == null ? null : init.serverInfo().name(),
                    init.serverInfo() == null ? null : init.serverInfo().version(), init.protocolVersion(),
                    List.copyOf(tools), truncated);
        } catch (RuntimeException | IOException e) {
            McpAuthorizationException refused = McpAuthorizationException.from(e);
            if (refused != null) {
                throw refused;
            }
            throw new McpProbeException(describe(e, timeout), e);
        } finally {
            try {
                client.closeGracefully();
            } catch (RuntimeException ignored) {
                client.close();
            }
        }
    }

    /**
     * Every tool, one page per request (the SDK's {@code listTools()} without a cursor follows {@code nextCursor}
     * itself, without any bound), at most {@link #MAX_TOOL_PAGES} pages and {@link #MAX_TOOLS} tools, and within
     * three times {@code timeout} overall: a server that pages forever, slowly, must not hold the caller.
     */
    static McpToolSession.ToolListing listTools(McpSyncClient client, Duration timeout) throws IOException {
        List<ToolInfo> tools = new ArrayList<>();
        boolean truncated = false;
        String cursor = null;
        int pages = 0;
        long deadline = System.nanoTime() + timeout.multipliedBy(3).toNanos();
        do {
            McpSchema.ListToolsResult page = client.listTools(cursor);
            for (McpSchema.Tool tool : page.tools()) {
                if (tools.size() >= MAX_TOOLS) {
                    truncated = true;
                    break;
                }
                tools.add(new ToolInfo(tool.name(), tool.title(), tool.description(),
                        McpJsonDefaults.getMapper().writeValueAsString(tool.inputSchema())));
            }
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && !cursor.isEmpty() && !truncated && pages < MAX_TOOL_PAGES
                && System.nanoTime() < deadline);
        truncated |= cursor != null && !cursor.isEmpty();
        return new McpToolSession.ToolListing(List.copyOf(tools), truncated);
    }

    static McpClientTransport transport(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            String bearerToken) {
        String origin = url.getScheme() + "://" + url.getRawAuthority();
        // The member's token for this connector only, in the header (never in a query string).
        McpSyncHttpClientRequestCustomizer bearer = (builder, method, uri, body, context) -> {
            // only to the connector's own origin: an SSE endpoint event naming another host gets no token
            if (bearerToken != null && uri != null && origin.equalsIgnoreCase(uri.getScheme() + "://"
                    + uri.getRawAuthority())) {
                builder.setHeader("Authorization", "Bearer " + bearerToken);
            }
        };
        return switch (kind) {
            // The SDK's default endpoint (/mcp) would replace the URL's path: give it the full URL.
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(origin)
                    .endpoint(url.toString())
                    .clientBuilder(egress.jdkClientBuilder())
                    .connectTimeout(egress.settings().connectTimeout())
                    .openConnectionOnStartup(false)
                    .httpRequestCustomizer(bearer)
                    .build();
            case SSE -> HttpClientSseClientTransport.builder(origin)
                    .sseEndpoint(url.toString())
                    .clientBuilder(egress.jdkClientBuilder())
                    .connectTimeout(egress.settings().connectTimeout())
                    .httpRequestCustomizer(bearer)
                    .build();
        };
    }

    /**
     * The cause a person can act on, from the SDK's layers of wrapping; a failure the console has no sentence for
     * (the SDK's parser or mapping broken by a server) is logged with a reference, and only the reference is shown.
     */
    static String describe(Throwable error, Duration timeout) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return "The server did not answer within " + timeout.toSeconds() + " s.";
            }
            Optional<String> known = EgressFailures.describeOnly(t);
            if (known.isPresent()) {
                return known.get();
            }
            if (t instanceof io.modelcontextprotocol.spec.McpTransportException && t.getMessage() != null) {
                java.util.regex.Matcher status = UNEXPECTED_STATUS.matcher(t.getMessage());
                if (status.find()) {
                    // the status only: the server's error page is not ours to show
                    return "The server answered HTTP " + status.group(1) + " to an MCP request.";
                }
            }
            if (t instanceof io.modelcontextprotocol.spec.McpError mcpError) {
                // the server's own words (a JSON-RPC error message), not an exception of ours
                return "The server returned an MCP error: " + mcpError.getMessage();
            }
        }
        return Incidents.talkingToTheServer(LOG, "Talking to an MCP server failed in a way the console has no "
                + "sentence for", error);
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
