package org.connectorconsole.gatewayauth;

import java.time.Instant;
import java.util.Optional;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.security.ConsoleUser;
import org.connectorconsole.security.CurrentMember;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Service;

/**
 * What the consent page shows: the pending request of the signed-in person, found by the state Spring
 * Authorization Server handed the page (never by what the page's address claims about the client).
 */
@Service
public class ConsentService {

    private static final OAuth2TokenType STATE = new OAuth2TokenType("state");

    /**
     * A pending request for consent.
     *
     * @param metadataDocument the client id is the address of its metadata document (else it registered itself)
     * @param what what the app will be able to use
     */
    public record ConsentRequest(String clientName, String clientId, boolean metadataDocument, String redirectUri,
            String what, String orgName, String state, String scope, Instant registeredAt) {
    }

    private final CurrentMember currentMember;
    private final ConsoleAuthorizationService authorizations;
    private final ConsoleClientRepository clients;
    private final GatewayTargets targets;

    ConsentService(CurrentMember currentMember, ConsoleAuthorizationService authorizations,
            ConsoleClientRepository clients, GatewayTargets targets) {
        this.currentMember = currentMember;
        this.authorizations = authorizations;
        this.clients = clients;
        this.targets = targets;
    }

    public ConsentRequest describe(String clientId, String state) {
        ConsoleUser user = currentMember.user().orElseThrow(() -> new AccessDeniedException("Sign in to continue."));
        OAuth2Authorization pending = state == null || state.length() > 200 ? null
                : authorizations.findByToken(state, STATE);
        if (pending == null || !user.getUsername().equals(pending.getPrincipalName())) {
            throw new NotFoundException("This request has expired or was already answered. Start again from the app.");
        }
        RegisteredClient client = clients.findById(pending.getRegisteredClientId());
        if (client == null || !client.getClientId().equals(clientId)) {
            throw new NotFoundException("This request has expired or was already answered. Start again from the app.");
        }
        OAuth2AuthorizationRequest request = pending.getAttribute(OAuth2AuthorizationRequest.class.getName());
        Optional<GatewayTargets.Target> target = targets.resolve(AuthorizationRequests.resource(request));
        if (target.isEmpty() || !target.get().userId().equals(user.userId())) {
            throw new AccessDeniedException("This request is not for your own endpoint.");
        }
        return new ConsentRequest(client.getClientName(), client.getClientId(),
                ConsoleClientRepository.isMetadataDocumentClient(client.getClientId()), request.getRedirectUri(),
                target.get().scopeText(), target.get().orgName(), state, String.join(" ", request.getScopes()),
                client.getClientIdIssuedAt());
    }
}
