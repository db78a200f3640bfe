package org.connectorconsole.oauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.base.Incidents;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressFailures;
import org.connectorconsole.egress.EgressResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Step 5 of the checklist: which client the console is at an authorization server. In order: the owner's client
 * ID/secret; the console's Client ID Metadata Document when the server supports it; Dynamic Client Registration
 * (RFC 7591); otherwise the owner must supply a client ID.
 */
public final class ClientRegistrar {

    public static final String CLIENT_NAME = "Connector Console";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientRegistrar.class);

    private ClientRegistrar() {
    }

    /** The owner's credentials, with the token-endpoint method the server's metadata allows. */
    public static OAuthClient owners(String clientId, String clientSecret, AuthorizationServerMetadata as)
            throws OAuthFlowException {
        if (clientSecret == null) {
            return new OAuthClient(clientId, null, OAuthClient.NONE, OAuthClient.Source.OWNER);
        }
        return new OAuthClient(clientId, clientSecret, confidentialMethod(as), OAuthClient.Source.OWNER);
    }

    /** The console's metadata document URL as client ID (a public client: PKCE, no secret). */
    public static OAuthClient metadataDocument(String documentUrl) {
        return new OAuthClient(documentUrl, null, OAuthClient.NONE, OAuthClient.Source.METADATA_DOCUMENT);
    }

    /** Client authentication for a secret: Basic unless the server lists only Post (RFC 8414 default: Basic). */
    static String confidentialMethod(AuthorizationServerMetadata as) throws OAuthFlowException {
        List<String> supported = as.tokenEndpointAuthMethodsSupported();
        if (supported.isEmpty() || supported.contains(OAuthClient.BASIC)) {
            return OAuthClient.BASIC;
        }
        if (supported.contains(OAuthClient.POST)) {
            return OAuthClient.POST;
        }
        throw new OAuthFlowException("The authorization server " + as.issuer() + " accepts none of the client "
                + "authentication methods the console offers (client_secret_basic, client_secret_post, none): "
                + String.join(", ", supported) + ".");
    }

    /** Registers the console as a client (RFC 7591). Asks for a confidential client when the server allows. */
    public static OAuthClient register(EgressClient egress, AuthorizationServerMetadata as, String redirectUri,
            Set<String> scopes, Duration timeout) throws OAuthFlowException {
        if (as.refusal("registration_endpoint").isPresent()) {
            throw new OAuthFlowException(as.refusal("registration_endpoint").get().sentence());
        }
        if (as.registrationEndpoint() == null) {
            throw new OAuthFlowException("This server needs a client ID and secret: its authorization server "
                    + as.issuer() + " offers no dynamic registration. Ask the owner to add them in the connector's "
                    + "Advanced settings.");
        }
        List<String> supported = as.tokenEndpointAuthMethodsSupported();
        String method = supported.isEmpty() || supported.contains(OAuthClient.BASIC) ? OAuthClient.BASIC
                : supported.contains(OAuthClient.POST) ? OAuthClient.POST : OAuthClient.NONE;
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("client_name", CLIENT_NAME);
        request.put("redirect_uris", List.of(redirectUri));
        request.put("grant_types", List.of("authorization_code", "refresh_token"));
        request.put("response_types", List.of("code"));
        request.put("token_endpoint_auth_method", method);
        request.put("application_type", "web");
        if (!scopes.isEmpty()) {
            request.put("scope", String.join(" ", scopes));
        }
        try {
            return send(egress, as, request, method, timeout);
        } catch (OAuthFlowException e) {
            // Some servers refuse a scope at registration (it is optional in RFC 7591): register without it.
            if (request.containsKey("scope") && ("invalid_scope".equals(e.error())
                    || "invalid_client_metadata".equals(e.error()) && e.getMessage().contains("scope"))) {
                request.remove("scope");
                return send(egress, as, request, method, timeout);
            }
            throw e;
        }
    }

    private static OAuthClient send(EgressClient egress, AuthorizationServerMetadata as, Map<String, Object> request,
            String method, Duration timeout) throws OAuthFlowException {
        EgressResponse response;
        try {
            response = egress.send("POST", as.registrationEndpoint(),
                    Map.of("Content-Type", "application/json", "Accept", "application/json"),
                    JSON.writeValueAsString(request).getBytes(StandardCharsets.UTF_8), timeout);
        } catch (IOException e) {
            throw new OAuthFlowException("Registering the console at " + as.registrationEndpoint() + " failed: "
                    + EgressFailures.describe(e).orElseGet(() -> Incidents.talkingToTheServer(LOG,
                            "Registering at " + as.registrationEndpoint() + " failed", e)), null, e);
        }
        Map<String, Object> body = parse(response);
        if (response.status() != 200 && response.status() != 201) {
            Object error = body.get("error");
            Object description = body.get("error_description");
            throw new OAuthFlowException("The authorization server refused to register the console (HTTP "
                    + response.status() + (error == null ? "" : ", " + error)
                    + (description == null ? "" : ": " + description) + ").",
                    error == null ? null : error.toString(), null);
        }
        if (!(body.get("client_id") instanceof String clientId) || clientId.isBlank()) {
            throw new OAuthFlowException("The authorization server registered the console but returned no client_id.");
        }
        String secret = body.get("client_secret") instanceof String s && !s.isEmpty() ? s : null;
        String granted = body.get("token_endpoint_auth_method") instanceof String m ? m
                : secret == null ? OAuthClient.NONE : method;
        if (!List.of(OAuthClient.BASIC, OAuthClient.POST, OAuthClient.NONE).contains(granted)) {
            throw new OAuthFlowException("The authorization server registered the console for client "
                    + "authentication '" + granted + "', which the console does not support.");
        }
        if (!OAuthClient.NONE.equals(granted) && secret == null) {
            throw new OAuthFlowException("The authorization server registered a confidential client but sent no "
                    + "client_secret.");
        }
        return new OAuthClient(clientId, secret, granted, OAuthClient.Source.DYNAMIC);
    }

    private static Map<String, Object> parse(EgressResponse response) throws OAuthFlowException {
        try {
            Object parsed = JSON.readValue(response.body(), Object.class);
            if (parsed instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> doc = (Map<String, Object>) map;
                return doc;
            }
        } catch (JacksonException e) {
            // reported below
        }
        if (response.status() >= 400) {
            return Map.of();
        }
        throw new OAuthFlowException("The registration endpoint answered HTTP " + response.status()
                + " without a JSON object.");
    }
}
