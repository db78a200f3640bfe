package org.connectorconsole.connection;

import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where authorization servers send members back ({@code redirect_uri}), and the console's Client ID Metadata
 * Document. The callback needs a signed-in member (Spring Security sends others to sign in first); the outcome
 * is handed to the page the member returns to through the session, never through the URL.
 */
@RestController
public class OAuthCallbackController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OAuthCallbackController.class);
    public static final String OUTCOME_ATTRIBUTE = "connector-console.connection-outcome";

    private final ConnectionService connections;
    private final ConsoleAddress address;

    OAuthCallbackController(ConnectionService connections, ConsoleAddress address) {
        this.connections = connections;
        this.address = address;
    }

    @GetMapping(ConsoleAddress.CALLBACK_PATH)
    ResponseEntity<Void> callback(@RequestParam(required = false) String state,
            @RequestParam(required = false) String code, @RequestParam(required = false) String iss,
            @RequestParam(required = false) String error,
            @RequestParam(name = "error_description", required = false) String errorDescription,
            HttpSession session) {
        CallbackOutcome outcome;
        try {
            outcome = connections.complete(state, code, iss, error, errorDescription);
        } catch (AccessDeniedException e) {
            outcome = new CallbackOutcome(false, null, e.getMessage(), MemberConnectorsPath.PATH);
        } catch (RuntimeException e) {
            log.error("The OAuth callback failed unexpectedly", e);
            outcome = new CallbackOutcome(false, null, "Connecting failed unexpectedly; nothing was connected. Try "
                    + "again, and tell an owner of your organization if it keeps failing.", MemberConnectorsPath.PATH);
        }
        session.setAttribute(OUTCOME_ATTRIBUTE, outcome);
        // A path inside the console only (checked when the authorization started).
        return ResponseEntity.status(303).header("Location", outcome.returnTo())
                .cacheControl(CacheControl.noStore()).build();
    }

    /** The console's client metadata (for servers that accept a URL as client ID); only over HTTPS. */
    @GetMapping(value = ConsoleAddress.CLIENT_METADATA_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> clientMetadata() {
        return address.clientMetadataDocument().map(url -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("client_id", url);
            doc.put("client_name", org.connectorconsole.oauth.ClientRegistrar.CLIENT_NAME);
            doc.put("client_uri", address.base());
            doc.put("redirect_uris", List.of(address.redirectUri()));
            doc.put("grant_types", List.of("authorization_code", "refresh_token"));
            doc.put("response_types", List.of("code"));
            doc.put("token_endpoint_auth_method", "none");
            doc.put("application_type", "web");
            return ResponseEntity.ok().cacheControl(CacheControl.maxAge(java.time.Duration.ofHours(1)))
                    .body(doc);
        }).orElseGet(() -> ResponseEntity.notFound().build());
    }
}
