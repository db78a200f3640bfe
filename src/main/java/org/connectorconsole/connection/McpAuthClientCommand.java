package org.connectorconsole.connection;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressPolicy;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.oauth.AuthorizationRequests;
import org.connectorconsole.oauth.AuthorizationResponses;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.AuthorizationTargets;
import org.connectorconsole.oauth.BearerChallenge;
import org.connectorconsole.oauth.ClientChoice;
import org.connectorconsole.oauth.ClientRegistrar;
import org.connectorconsole.oauth.EnterpriseManagedAuthorization;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.oauth.TokenEndpoint;
import org.connectorconsole.oauth.TokenSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar connector-console.jar mcp-auth-client [--client-metadata-url URL] <mcp-url>}: a headless MCP
 * client that drives the console's own discovery, registration, PKCE, state, iss and token code, following the
 * authorization redirect itself (for servers that approve at once, such as the official conformance suite's).
 * It opens a session, lists the tools and calls them ({@link McpClientExercise}); a 401 or 403 leads to
 * (re-)authorization with the challenged scopes, at most {@value #MAX_AUTHORIZATIONS} times. Pre-registered credentials come from
 * {@code MCP_CONFORMANCE_CONTEXT} ({@code client_id}, {@code client_secret}) when set. When the context also carries
 * an identity provider's ID token ({@code idp_id_token}, {@code idp_token_endpoint}, {@code idp_client_id}), the
 * client authorizes the enterprise-managed way instead of through the browser: token exchange at the identity
 * provider for an ID-JAG, redeemed with the JWT bearer grant ({@link EnterpriseManagedAuthorization}), as the
 * console does for members signed in with single sign-on.
 * Exit status 0 when the session worked, 1 when it did not, 2 for wrong arguments.
 */
public final class McpAuthClientCommand {

    static final int MAX_AUTHORIZATIONS = 3;
    private static final String REDIRECT_URI = "http://localhost:8080" + ConsoleAddress.CALLBACK_PATH;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private McpAuthClientCommand() {
    }

    public static int run(List<String> args, Map<String, String> env, PrintStream out) {
        String url = null;
        String metadataUrl = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--client-metadata-url") && i + 1 < args.size()) {
                metadataUrl = args.get(++i);
            } else if (arg.startsWith("--")) {
                out.println("Unknown argument: " + arg);
                out.println("Usage: mcp-auth-client [--client-metadata-url URL] <mcp-url>");
                return 2;
            } else {
                url = arg;
            }
        }
        if (url == null) {
            out.println("Usage: mcp-auth-client [--client-metadata-url URL] <mcp-url>");
            return 2;
        }
        ClientChoice.OwnerCredentials preRegistered = preRegistered(env.get("MCP_CONFORMANCE_CONTEXT"));
        List<McpClientExercise.Call> calls = McpClientExercise.calls(env.get("MCP_CONFORMANCE_CONTEXT"));
        EnterpriseIdentity enterprise = enterprise(env.get("MCP_CONFORMANCE_CONTEXT"));
        try (EgressClient egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(),
                HostResolver.SYSTEM)) {
            // Parsed once, by the policy, before anything is called: its sentence says why a URL is refused.
            EgressPolicy.UrlCheck check = egress.policy().checkUrl(url);
            if (!check.ok()) {
                out.println("Refused: " + check.problem());
                return 2;
            }
            return new Session(egress, check.uri(), metadataUrl, preRegistered, enterprise, calls, out).run();
        }
    }

    private static ClientChoice.OwnerCredentials preRegistered(String context) {
        if (context == null || context.isBlank()) {
            return null;
        }
        JsonNode json = JsonMapper.builder().build().readTree(context);
        if (!json.path("client_id").isString()) {
            return null;
        }
        String secret = json.path("client_secret").isString() ? json.path("client_secret").asString() : null;
        return new ClientChoice.OwnerCredentials(json.path("client_id").asString(), secret, null);
    }

    /** The identity provider's client and the member's ID token, for enterprise-managed authorization. */
    private record EnterpriseIdentity(EnterpriseManagedAuthorization.IdentityProvider idp, String idToken) {
        @Override
        public String toString() {
            return "EnterpriseIdentity[" + idp + "]";
        }
    }

    private static EnterpriseIdentity enterprise(String context) {
        if (context == null || context.isBlank()) {
            return null;
        }
        JsonNode json = JsonMapper.builder().build().readTree(context);
        if (!json.path("idp_id_token").isString() || !json.path("idp_token_endpoint").isString()
                || !json.path("idp_client_id").isString()) {
            return null;
        }
        String secret = json.path("idp_client_secret").isString() ? json.path("idp_client_secret").asString() : null;
        return new EnterpriseIdentity(new EnterpriseManagedAuthorization.IdentityProvider(
                URI.create(json.path("idp_token_endpoint").asString()), json.path("idp_client_id").asString(), secret),
                json.path("idp_id_token").asString());
    }

    private static final class Session {
        private final EgressClient egress;
        private final URI url;
        private final String metadataUrl;
        private final List<McpClientExercise.Call> calls;
        private final PrintStream out;
        private final Set<String> granted = new LinkedHashSet<>();
        private final Map<String, OAuthClient> registered = new java.util.HashMap<>();
        private final EnterpriseIdentity enterprise;
        private ClientChoice.OwnerCredentials owner;
        private String token;

        Session(EgressClient egress, URI url, String metadataUrl, ClientChoice.OwnerCredentials owner,
                EnterpriseIdentity enterprise, List<McpClientExercise.Call> calls, PrintStream out) {
            this.egress = egress;
            this.enterprise = enterprise;
            this.url = url;
            this.metadataUrl = metadataUrl;
            this.owner = owner;
            this.calls = calls;
            this.out = out;
        }

        int run() {
            int authorizations = 0;
            while (true) {
                try {
                    out.println(McpClientExercise.run(egress, url, token, calls, TIMEOUT, out));
                    return 0;
                } catch (McpAuthorizationException e) {
                    if (authorizations >= MAX_AUTHORIZATIONS) {
                        out.println("Giving up: the server still refuses after " + authorizations
                                + " authorizations (HTTP " + e.status() + ").");
                        return 1;
                    }
                    try {
                        authorize(BearerChallenge.parse(e.wwwAuthenticate()).orElse(null), e.status());
                        authorizations++;
                    } catch (OAuthFlowException | IOException failure) {
                        out.println("Authorization failed: " + failure.getMessage());
                        return 1;
                    }
                } catch (McpProbeException e) {
                    out.println("MCP session failed: " + e.getMessage());
                    return 1;
                }
            }
        }

        private void authorize(BearerChallenge challenge, int status) throws OAuthFlowException, IOException {
            AuthorizationTarget target = AuthorizationTargets.discover(egress, url, challenge);
            // Bound to the issuer they were issued by (MCP 2026-07-28): owner's credentials to the first one used,
            // registrations kept per issuer, so a server that moves to another authorization server gets a fresh
            // registration there and never sees the old client ID.
            if (owner != null && owner.issuer() == null) {
                owner = new ClientChoice.OwnerCredentials(owner.clientId(), owner.clientSecret(),
                        target.server().issuer());
            }
            if (enterprise != null && owner != null && target.server().supportsJwtBearerGrant()) {
                authorizeEnterpriseManaged(target, status);
                return;
            }
            OAuthClient client = ClientChoice.choose(target, owner, metadataUrl, (issuer, registration) -> {
                OAuthClient known = registered.get(issuer);
                if (known == null) {
                    known = registration.register();
                    registered.put(issuer, known);
                }
                return known;
            }, egress, REDIRECT_URI, TIMEOUT);
            Set<String> scopes = target.scopes(status == 403 ? granted : Set.of());
            AuthorizationRequests.Started started = AuthorizationRequests.start(target, client, REDIRECT_URI, scopes);
            out.println("Authorizing at " + target.server().issuer() + " (scope: "
                    + (scopes.isEmpty() ? "none" : String.join(" ", scopes)) + ")");
            Map<String, String> back = followAuthorization(started.authorizationUrl());
            if (!started.state().equals(back.get("state"))) {
                throw new OAuthFlowException("The authorization response carries another state: refused.");
            }
            String iss = back.get("iss");
            if (!AuthorizationResponses.issuerAccepted(iss, target.server().issuer(),
                    target.server().authorizationResponseIssParameterSupported())) {
                throw new OAuthFlowException("The authorization response names issuer " + iss + ", expected "
                        + target.server().issuer() + ": refused (mix-up).");
            }
            if (back.get("error") != null) {
                throw new OAuthFlowException("The authorization server answered " + back.get("error"));
            }
            TokenSet tokens = TokenEndpoint.exchange(egress, target.server(), client, REDIRECT_URI,
                    back.get("code"), started.codeVerifier(), started.state(), target.resource(), TIMEOUT);
            token = tokens.accessToken();
            granted.addAll(scopes);
            granted.addAll(tokens.scopes());
        }

        /** SEP-990: no browser; the identity provider's grant, redeemed with the owner's credentials. */
        private void authorizeEnterpriseManaged(AuthorizationTarget target, int status) throws OAuthFlowException {
            ClientChoice.requireBound(owner, target.server().issuer());
            OAuthClient client = ClientRegistrar.owners(owner.clientId(), owner.clientSecret(), target.server());
            Set<String> scopes = target.scopes(status == 403 ? granted : Set.of());
            out.println("Exchanging the identity assertion at " + enterprise.idp().tokenEndpoint() + " for "
                    + target.server().issuer() + " (scope: " + (scopes.isEmpty() ? "none" : String.join(" ", scopes))
                    + ")");
            EnterpriseManagedAuthorization.IdJag grant = EnterpriseManagedAuthorization.requestGrant(egress,
                    enterprise.idp(), enterprise.idToken(), target.server().issuer(), target.resource(), scopes,
                    TIMEOUT);
            TokenSet tokens = EnterpriseManagedAuthorization.redeem(egress, target.server(), client, grant, TIMEOUT);
            token = tokens.accessToken();
            granted.addAll(scopes);
            granted.addAll(tokens.scopes());
        }

        /** Plays the browser: the server approves at once and redirects back with the code. */
        private Map<String, String> followAuthorization(String authorizationUrl) throws IOException,
                OAuthFlowException {
            URI target = egress.checkedUri(URI.create(authorizationUrl));
            var response = egress.send("GET", target, Map.of("Accept", "text/html"), null, TIMEOUT);
            String location = response.header("location").orElseThrow(() -> new OAuthFlowException(
                    "The authorization endpoint did not redirect back (HTTP " + response.status() + ")."));
            URI back;
            try {
                back = new URI(location);
            } catch (java.net.URISyntaxException e) {
                throw new OAuthFlowException("The authorization endpoint redirected to " + location
                        + ", which is not a URL.");
            }
            Map<String, String> params = new java.util.LinkedHashMap<>();
            if (back.getRawQuery() != null) {
                for (String pair : back.getRawQuery().split("&")) {
                    int eq = pair.indexOf('=');
                    params.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                            java.nio.charset.StandardCharsets.UTF_8), eq < 0 ? "" : java.net.URLDecoder.decode(
                                    pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return params;
        }
    }
}
