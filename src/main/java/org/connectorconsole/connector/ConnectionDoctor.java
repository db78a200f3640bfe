package org.connectorconsole.connector;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressPolicy;
import org.connectorconsole.egress.EgressRefusedException;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.ProbeResult;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.mcp.TransportDetection;
import org.connectorconsole.mcp.UnsupportedRevisionException;
import org.connectorconsole.oauth.AddressRefusal;
import org.connectorconsole.oauth.AuthorizationDiscovery;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.ClientChoice;
import org.connectorconsole.oauth.BearerChallenge;
import org.connectorconsole.oauth.DiscoveryException;
import org.connectorconsole.oauth.ProtectedResourceMetadata;
import org.connectorconsole.oauth.ServerAddresses;

/**
 * The connection doctor: checks a server step by step — URL policy and DNS, transport, then either the MCP
 * revision it speaks (2026-07-28, or 2025-11-25 through the initialize handshake), an MCP session and its tools, or
 * the authorization set-up members will sign in through — and names the step that failed and what to do. Each step is reported as it completes. Used by the console and the command line.
 */
public final class ConnectionDoctor {

    public static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
    private static final String REVISION = "Protocol revision";

    private final Clock clock;
    private final boolean consoleHasHttpsAddress;
    private final Duration stepTimeout;

    public ConnectionDoctor(Clock clock, boolean consoleHasHttpsAddress) {
        this(clock, consoleHasHttpsAddress, STEP_TIMEOUT);
    }

    public ConnectionDoctor(Clock clock, boolean consoleHasHttpsAddress, Duration stepTimeout) {
        this.clock = clock;
        this.consoleHasHttpsAddress = consoleHasHttpsAddress;
        this.stepTimeout = stepTimeout;
    }

    public Diagnosis diagnose(EgressClient egress, String rawUrl, String ownerClientId,
            Consumer<DoctorStep> listener) {
        return diagnose(egress, rawUrl, ownerClientId, null, listener);
    }

    /**
     * With {@code ownerClientIssuer}, the authorization server the owner's client credentials are bound to (null:
     * not used yet): a server that now sends its users elsewhere is reported, as connecting would refuse to send
     * the credentials there.
     */
    public Diagnosis diagnose(EgressClient egress, String rawUrl, String ownerClientId, String ownerClientIssuer,
            Consumer<DoctorStep> listener) {
        return diagnose(egress, rawUrl, ownerClientId, ownerClientIssuer, listener, icons -> { });
    }

    /** As above; {@code onServerIcons} receives the icon sources of the server's {@code serverInfo} (unchecked). */
    public Diagnosis diagnose(EgressClient egress, String rawUrl, String ownerClientId, String ownerClientIssuer,
            Consumer<DoctorStep> listener, Consumer<List<String>> onServerIcons) {
        Run run = new Run(listener);
        EgressPolicy.UrlCheck check = egress.policy().checkUrl(rawUrl);
        if (!check.ok()) {
            run.add(DoctorStep.failed("address", "URL and address", rawUrl, check.problem()));
            return run.finish(rawUrl, Diagnosis.Outcome.FAILED);
        }
        URI url = check.uri();
        String host = check.host();
        try {
            List<InetAddress> addresses = egress.resolveChecked(host);
            run.add(DoctorStep.passed("address", "URL and address", host + " resolves to "
                    + addresses.stream().map(InetAddress::getHostAddress).distinct().collect(Collectors.joining(", "))
                    + (egress.policy().allowsLoopbackHttp() ? "" : " (public)")));
        } catch (EgressRefusedException e) {
            run.add(DoctorStep.failed("address", "URL and address", host, e.getMessage()));
            return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
        } catch (UnknownHostException e) {
            run.add(DoctorStep.failed("address", "URL and address", host,
                    e.getMessage() + " Check the host name for typos."));
            return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
        }

        TransportDetection transport = McpProbe.detect(egress, url, stepTimeout);
        if (!transport.ok()) {
            run.add(DoctorStep.failed("transport", "Transport", transport.seen(), transport.failure()));
            return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
        }
        run.transport = transport.kind().label();
        run.add(DoctorStep.passed("transport", "Transport", transport.kind().label() + ": " + transport.seen()));

        if (!transport.authorizationRequired()) {
            try {
                ProbeResult probe;
                try {
                    probe = McpProbe.probe(egress, url, transport.kind(), stepTimeout);
                } catch (UnsupportedRevisionException e) {
                    run.add(DoctorStep.failed("revision", REVISION, "server/discover and initialize both refused",
                            e.getMessage()));
                    return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
                }
                run.add(DoctorStep.passed("revision", REVISION, probe.revisionLabel()));
                onServerIcons.accept(probe.serverIcons());
                run.serverName = probe.serverName();
                run.serverVersion = probe.serverVersion();
                run.protocolVersion = probe.protocolVersion();
                run.tools = probe.tools();
                run.toolsTruncated = probe.truncated();
                run.add(DoctorStep.passed("session", "MCP session", "Server " + nullToDash(probe.serverName()) + " "
                        + nullToDash(probe.serverVersion()) + ", protocol " + probe.protocolVersion()));
                String toolsSeen = probe.tools().size() + (probe.tools().size() == 1 ? " tool" : " tools")
                        + (probe.truncated() ? " (list cut at " + McpProbe.MAX_TOOLS + " tools or "
                                + McpProbe.MAX_TOOL_PAGES + " pages)" : "");
                run.add(probe.truncated()
                        ? DoctorStep.warning("tools", "Tools", toolsSeen, "The server's tool list is longer than the "
                                + "console reads; members will see only the first tools.")
                        : DoctorStep.passed("tools", "Tools", toolsSeen));
                return run.finish(url.toString(), Diagnosis.Outcome.READY);
            } catch (McpProbeException e) {
                run.add(DoctorStep.failed("session", "MCP session", "opening a session and tools/list",
                        e.getMessage()));
                return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
            }
        }
        run.add(new DoctorStep("revision", REVISION, DoctorStep.Status.SKIPPED, "not known before sign-in",
                "The server asks for sign-in before it says which MCP revision it speaks; the console negotiates it "
                        + "(2026-07-28 first, 2025-11-25 where the server does not know it) when a member connects."));
        return authorization(run, egress, url, transport, ownerClientId, ownerClientIssuer);
    }

    private Diagnosis authorization(Run run, EgressClient egress, URI url, TransportDetection transport,
            String ownerClientId, String ownerClientIssuer) {
        BearerChallenge challenge = challenge(run, transport);
        ProtectedResourceMetadata resource = null;
        try {
            resource = AuthorizationDiscovery.protectedResource(egress, url, challenge);
            run.add(DoctorStep.passed("resource-metadata", "Protected resource metadata", "Found at "
                    + resource.source() + " for " + resource.resource() + "; authorization server "
                    + String.join(", ", resource.authorizationServers())));
        } catch (DiscoveryException e) {
            boolean named = challenge != null && challenge.resourceMetadata() != null;
            if (!e.notFound() || named) {
                run.add(DoctorStep.failed("resource-metadata", "Protected resource metadata",
                        String.join("; ", e.attempts()), e.getMessage()
                                + " Members cannot sign in until the server publishes it (RFC 9728)."));
                return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
            }
            run.add(DoctorStep.warning("resource-metadata", "Protected resource metadata",
                    String.join("; ", e.attempts()), "The server publishes none (RFC 9728): the console falls back "
                            + "to MCP 2025-03-26 discovery (authorization server at " + AuthorizationDiscovery
                                    .legacyIssuer(url) + "). Ask its operator to publish protected resource "
                            + "metadata."));
        }
        AuthorizationServerMetadata server;
        String issuer = resource != null ? resource.authorizationServers().getFirst()
                : AuthorizationDiscovery.legacyIssuer(url);
        try {
            server = AuthorizationDiscovery.authorizationServer(egress, issuer);
            run.add(DoctorStep.passed("server-metadata", "Authorization server metadata", "Issuer " + issuer
                    + " at " + server.source()));
        } catch (DiscoveryException e) {
            if (resource != null || !e.notFound()) {
                run.add(DoctorStep.failed("server-metadata", "Authorization server metadata",
                        String.join("; ", e.attempts()), e.getMessage()));
                return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
            }
            server = AuthorizationDiscovery.legacyDefaults(egress, url);
            run.add(DoctorStep.warning("server-metadata", "Authorization server metadata",
                    String.join("; ", e.attempts()), "None published: the console uses the MCP 2025-03-26 default "
                            + "endpoints /authorize, /token and /register at " + issuer + "."));
        }
        return signIn(run, egress, url, server, ownerClientId, ownerClientIssuer);
    }

    /** The 401's challenge, as a step: a warning when it names no Bearer scheme (well-known locations are tried). */
    private static BearerChallenge challenge(Run run, TransportDetection transport) {
        BearerChallenge challenge = BearerChallenge.parse(transport.wwwAuthenticate()).orElse(null);
        if (challenge == null) {
            run.add(DoctorStep.warning("challenge", "Authorization challenge", "HTTP 401 without a Bearer challenge",
                    "The server should name its metadata in WWW-Authenticate; the console tries the well-known "
                            + "locations instead."));
        } else {
            run.add(DoctorStep.passed("challenge", "Authorization challenge", "Bearer"
                    + (challenge.resourceMetadata() == null ? " (no resource_metadata: using well-known locations)"
                            : " resource_metadata=" + challenge.resourceMetadata())
                    + (challenge.scope() == null ? "" : ", scope=" + challenge.scope())));
        }
        return challenge;
    }

    /**
     * With the authorization server's metadata found: whether a member can sign in there (its addresses pass the
     * egress policy, endpoints and PKCE S256, a client registration), or only the organization's sign-in can connect.
     */
    private Diagnosis signIn(Run run, EgressClient egress, URI url, AuthorizationServerMetadata server,
            String ownerClientId, String ownerClientIssuer) {
        List<AddressRefusal> refused = ServerAddresses.refusals(egress, server);
        if (!refused.isEmpty()) {
            run.add(DoctorStep.failed("server-addresses", "Server addresses", refused.size() == 1
                    ? "1 address refused" : refused.size() + " addresses refused", ServerAddresses.sentences(refused)
                            + " Connecting would stop there; ask the server's operator to publish public https "
                            + "addresses."));
            return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
        }
        run.add(DoctorStep.passed("server-addresses", "Server addresses", "Every address in the metadata "
                + "(authorization, token, registration, revocation, JWKS) passes the egress policy"));
        if (enterpriseOnly(server)) {
            // no browser is sent to such a server (decision 0063): its authorization endpoint and PKCE do not matter
            if (!registration(run, server, ownerClientId, ownerClientIssuer)) {
                return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
            }
            boolean clientSet = ownerClientId != null && !ownerClientId.isBlank();
            run.add(DoctorStep.passed("enterprise-managed", "Enterprise-managed authorization",
                    "This server accepts only the organization's sign-in (enterprise-managed authorization, JWT "
                            + "bearer grant): members cannot sign in to it in the browser, they are connected "
                            + "through Organization sign-in (switch it on there"
                            + (clientSet ? ")." : "; it needs the console's client ID there in Advanced settings).")));
            return run.finish(url.toString(), Diagnosis.Outcome.SIGN_IN_REQUIRED);
        }
        if (server.authorizationEndpoint() == null || server.tokenEndpoint() == null) {
            run.add(DoctorStep.failed("server-metadata-endpoints", "Authorization endpoints", "missing",
                    "The authorization server's metadata lacks an authorization or token endpoint."));
            return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
        }
        if (!server.supportsS256()) {
            run.add(DoctorStep.failed("pkce", "PKCE", server.codeChallengeMethodsSupported().isEmpty()
                    ? "code_challenge_methods_supported is missing"
                    : "supported: " + String.join(", ", server.codeChallengeMethodsSupported()),
                    "The server's metadata names no PKCE S256 support; it cannot be used safely. Ask its "
                            + "operator to enable PKCE with S256."));
            return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
        }
        run.add(DoctorStep.passed("pkce", "PKCE", "S256 supported"));

        if (!registration(run, server, ownerClientId, ownerClientIssuer)) {
            return run.finish(url.toString(), Diagnosis.Outcome.FAILED);
        }
        if (server.supportsJwtBearerGrant()) {
            // the extension io.modelcontextprotocol/enterprise-managed-authorization (SEP-990): shown only when offered
            boolean clientSet = ownerClientId != null && !ownerClientId.isBlank();
            run.add(DoctorStep.passed("enterprise-managed", "Enterprise-managed authorization",
                    "The authorization server redeems identity-provider grants (JWT bearer grant): members can be "
                            + "connected through the organization's sign-in (switch it on under Organization sign-in"
                            + (clientSet ? ")." : "; it needs the console's client ID there in Advanced settings).")));
        }
        return run.finish(url.toString(), Diagnosis.Outcome.SIGN_IN_REQUIRED);
    }

    /**
     * The server offers only enterprise-managed authorization (decision 0064): it redeems identity-provider grants
     * (JWT bearer grant), and either lists grant types without the authorization code grant or offers no usable
     * browser sign-in (no authorization endpoint, or no PKCE S256).
     */
    static boolean enterpriseOnly(AuthorizationServerMetadata server) {
        return server.supportsJwtBearerGrant() && (!server.grantTypesSupported().contains("authorization_code")
                || server.authorizationEndpoint() == null || !server.supportsS256());
    }

    /** How members' sign-ins will get a client: the owner's client ID, the metadata document, or registration. */
    private boolean registration(Run run, AuthorizationServerMetadata server, String ownerClientId,
            String ownerClientIssuer) {
        if (ownerClientId != null && !ownerClientId.isBlank() && ownerClientIssuer != null
                && !ownerClientIssuer.equals(server.issuer())) {
            run.add(DoctorStep.failed("registration", "Client registration", "Client ID from Advanced settings, "
                    + "entered for " + ownerClientIssuer, ClientChoice.otherIssuer(ownerClientIssuer,
                            server.issuer())));
            return false;
        }
        if (ownerClientId != null && !ownerClientId.isBlank()) {
            run.registration = "Client ID from Advanced settings";
            run.add(DoctorStep.passed("registration", "Client registration",
                    "Members will sign in with the OAuth Client ID entered in Advanced settings."));
        } else if (server.clientIdMetadataDocumentSupported() && consoleHasHttpsAddress) {
            run.registration = "Client ID Metadata Document";
            run.add(DoctorStep.passed("registration", "Client registration",
                    "The server accepts the console's Client ID Metadata Document."));
        } else if (server.registrationEndpoint() != null) {
            run.registration = "Dynamic Client Registration";
            run.add(DoctorStep.passed("registration", "Client registration",
                    "The console will register itself once at " + server.registrationEndpoint()
                            + " (Dynamic Client Registration) and reuse that registration for every member."));
        } else {
            run.add(DoctorStep.failed("registration", "Client registration",
                    "no registration endpoint" + (server.clientIdMetadataDocumentSupported()
                            ? "; Client ID Metadata Documents need the console on an https address" : ""),
                    "This server needs a client ID and secret: register the console with it (redirect URI shown "
                            + "on this page) and enter them under Advanced settings."));
            return false;
        }
        return true;
    }

    private static String nullToDash(String s) {
        return s == null ? "—" : s;
    }

    private final class Run {
        private final Consumer<DoctorStep> listener;
        private final List<DoctorStep> steps = new ArrayList<>();
        String transport;
        String serverName;
        String serverVersion;
        String protocolVersion;
        String registration;
        List<ToolInfo> tools = List.of();
        boolean toolsTruncated;

        Run(Consumer<DoctorStep> listener) {
            this.listener = listener;
        }

        void add(DoctorStep step) {
            steps.add(step);
            listener.accept(step);
        }

        Diagnosis finish(String url, Diagnosis.Outcome outcome) {
            return new Diagnosis(url, clock.instant(), outcome, transport, serverName, serverVersion,
                    protocolVersion, registration, List.copyOf(steps), tools, toolsTruncated);
        }
    }
}
