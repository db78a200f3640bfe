package org.connectorconsole.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * Talks MCP to a server through the egress client: finds its transport (and, when it can tell, the revision it
 * speaks), then opens a session through {@link McpToolSession} (negotiating the revision) and lists its tools.
 */
public final class McpProbe {

    public static final int MAX_TOOL_PAGES = McpToolSession.MAX_TOOL_PAGES;
    public static final int MAX_TOOLS = McpToolSession.MAX_TOOLS;
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":\"probe-1\",\"method\":\"initialize\","
            + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"connector-console\",\"version\":\"0.1\"}}}";
    /** A complete 2026-07-28 request: its _meta names version, capabilities and client, as every request must. */
    private static final String DISCOVER = "{\"jsonrpc\":\"2.0\",\"id\":\"probe-0\",\"method\":\"server/discover\","
            + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + ProtocolRevision.MODERN + "\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"connector-console\",\"version\":\"0.1\"}}}}";
    /** A discover result is small: more than this is not read when detecting. */
    private static final int DISCOVER_READ_LIMIT = 64 * 1024;

    private static final java.util.regex.Pattern UNEXPECTED_STATUS =
            java.util.regex.Pattern.compile("status code:? (\\d{3})");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(McpProbe.class);

    private McpProbe() {
    }

    /**
     * Streamable HTTP first: POST {@code server/discover} (2026-07-28) to the URL exactly as given; when it is not
     * answered with a list naming 2026-07-28 (nor with 401 or a redirect), POST initialize (2025-11-25); on 400, 404
     * or 405 to that, the legacy HTTP+SSE transport (GET, expecting an {@code endpoint} event). What the answers
     * showed about the revision is remembered for the session that follows.
     */
    public static TransportDetection detect(EgressClient egress, URI url, Duration timeout) {
        Posted posted = post(egress, url, timeout, true);
        if (posted.failure() != null) {
            return posted.failure();
        }
        int status = posted.status();
        DiscoverAnswer answer = posted.discover();
        if (status >= 200 && status < 300 && answer.versions() != null) {
            // a discover result: this server speaks the 2026-07-28 wire's Streamable HTTP, whatever it lists
            boolean modern = answer.versions().contains(ProtocolRevision.MODERN);
            if (modern) {
                KnownRevisions.remember(url, ProtocolRevision.DISCOVER);
            }
            return TransportDetection.found(TransportKind.STREAMABLE_HTTP, status,
                    "POST server/discover answered HTTP " + status + " (MCP " + String.join(", ", answer.versions())
                            + ")");
        }
        if (status >= 200 && status < 300 && !answer.readable()) {
            // an answer that could not be read here (a stream, too long): the session will tell
            return TransportDetection.found(TransportKind.STREAMABLE_HTTP, status,
                    "POST server/discover answered HTTP " + status);
        }
        if (status == 401) {
            return TransportDetection.needsAuth(TransportKind.STREAMABLE_HTTP, status, posted.challenge(),
                    "POST server/discover answered HTTP 401 (authorization required)");
        }
        if (status >= 300 && status < 400) {
            return redirected(status, posted.header("location"));
        }
        return detectInitialize(egress, url, timeout, status);
    }

    /**
     * A 2xx answer to {@code server/discover}: the versions its result lists, or null when it is no result listing
     * any (an error, another result); {@code readable} false when it could not be read here (an event stream, or
     * more than a discover result).
     */
    private record DiscoverAnswer(List<String> versions, boolean readable) {

        static final DiscoverAnswer UNREAD = new DiscoverAnswer(null, false);

        static DiscoverAnswer read(EgressClient.OpenResponse response) {
            String type = first(response.headers().get("content-type"));
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                return UNREAD;
            }
            try {
                byte[] body = response.body().readNBytes(DISCOVER_READ_LIMIT + 1);
                if (body.length > DISCOVER_READ_LIMIT) {
                    return UNREAD;
                }
                var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body);
                var listed = json.path("result").path("supportedVersions");
                if (!listed.isArray() || listed.isEmpty()) {
                    return new DiscoverAnswer(null, true);
                }
                List<String> versions = new java.util.ArrayList<>();
                listed.forEach(v -> versions.add(v.asString("")));
                return new DiscoverAnswer(List.copyOf(versions), true);
            } catch (IOException | RuntimeException e) {
                return UNREAD;
            }
        }
    }

    /**
     * What a probing POST saw: its status and headers (and, for {@code server/discover}, its answer), or in
     * {@code failure} the detection to give when nothing was answered.
     */
    private record Posted(int status, Map<String, List<String>> headers, DiscoverAnswer discover,
            TransportDetection failure) {

        static Posted failed(TransportDetection failure) {
            return new Posted(0, Map.of(), DiscoverAnswer.UNREAD, failure);
        }

        List<String> challenge() {
            return headers.getOrDefault("www-authenticate", List.of());
        }

        String header(String name) {
            return first(headers.get(name));
        }
    }

    /** POSTs {@code server/discover} (2026-07-28, its answer read when 2xx) or else initialize (2025-11-25). */
    private static Posted post(EgressClient egress, URI url, Duration timeout, boolean discover) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("Content-Type", "application/json");
        if (discover) {
            headers.put("Mcp-Method", "server/discover");
            headers.put("MCP-Protocol-Version", ProtocolRevision.MODERN);
        }
        try (EgressClient.OpenResponse response = egress.open("POST", url, headers,
                (discover ? DISCOVER : INITIALIZE).getBytes(StandardCharsets.UTF_8), timeout)) {
            int status = response.status();
            return new Posted(status, response.headers(), discover && status >= 200 && status < 300
                    ? DiscoverAnswer.read(response) : DiscoverAnswer.UNREAD, null);
        } catch (EgressRefusedException e) {
            return Posted.failed(TransportDetection.failed(0, "refused before connecting", e.getMessage()));
        } catch (IOException e) {
            return Posted.failed(TransportDetection.failed(0, "no answer", describe(e, timeout)));
        }
    }

    private static TransportDetection detectInitialize(EgressClient egress, URI url, Duration timeout,
            int discoverStatus) {
        Posted posted = post(egress, url, timeout, false);
        if (posted.failure() != null) {
            return posted.failure();
        }
        int status = posted.status();
        if (status >= 200 && status < 300) {
            endSession(egress, url, posted.header("mcp-session-id"), timeout);
            if (discoverStatus >= 200 && discoverStatus < 300 || discoverStatus == 400 || discoverStatus == 404
                    || discoverStatus == 405) {
                // server/discover refused, initialize accepted: this server speaks 2025-11-25
                KnownRevisions.remember(url, ProtocolRevision.INITIALIZE);
            }
            return TransportDetection.found(TransportKind.STREAMABLE_HTTP, status,
                    "POST initialize answered HTTP " + status);
        }
        if (status == 401) {
            return TransportDetection.needsAuth(TransportKind.STREAMABLE_HTTP, status, posted.challenge(),
                    "POST initialize answered HTTP 401 (authorization required)");
        }
        if (status >= 300 && status < 400) {
            return redirected(status, posted.header("location"));
        }
        if (status == 400 || status == 404 || status == 405) {
            return detectSse(egress, url, timeout, status);
        }
        return TransportDetection.failed(status, "POST initialize answered HTTP " + status,
                "The server answered HTTP " + status + " to an MCP initialize request.");
    }

    private static TransportDetection redirected(int status, String location) {
        return TransportDetection.failed(status, "HTTP " + status + " redirect to " + location,
                "The server redirects to " + location + ". The console does not follow redirects: if you trust "
                        + "that address, use it as the connector's URL.");
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
     * request when a token is given. A 401 or 403 comes back as {@link McpAuthorizationException}; a server that
     * speaks no revision the console does as {@link UnsupportedRevisionException}.
     */
    public static ProbeResult probe(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            String bearerToken) throws McpProbeException {
        try (McpToolSession session = McpToolSession.open(egress, url, kind, timeout, timeout, bearerToken)) {
            McpToolSession.ToolListing listing = session.listToolsFresh();
            return new ProbeResult(session.serverName(), session.serverVersion(), session.protocolVersion(),
                    listing.tools(), listing.truncated(), session.serverIcons());
        }
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
            if (t instanceof io.modelcontextprotocol.modern.client.McpTimeoutException) {
                return "The server did not answer within " + timeout.toSeconds() + " s.";
            }
            if (t instanceof io.modelcontextprotocol.modern.client.transport.McpHttpStatusException status) {
                // the status only: the server's error page is not ours to show
                return "The server answered HTTP " + status.statusCode() + " to an MCP request.";
            }
            if (t instanceof io.modelcontextprotocol.modern.McpException mcpError) {
                return "The server returned an MCP error: " + mcpError.getMessage();
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
