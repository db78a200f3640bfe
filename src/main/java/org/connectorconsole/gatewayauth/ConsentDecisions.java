package org.connectorconsole.gatewayauth;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository;
import org.connectorconsole.security.ConsoleUser;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consent, remembered per client, member and endpoint until the member (or an owner) revokes it: Spring's consent
 * row for (client, member) holds one authority {@code resource:<endpoint address>} per endpoint the member allowed
 * that client to use. The consent page posts {@code decision=allow} or {@code deny}; a denial removes the pending
 * request and sends {@code access_denied} back to the client.
 */
@Component
class ConsentDecisions {

    static final String AUTHORITY_PREFIX = "resource:";
    static final String DECISION = "decision";

    private final GatewayTargets targets;
    private final ConsoleAuthorizationService authorizations;
    private final GatewayAuthRepository repository;
    private final AuditService audit;
    private final TransactionTemplate tx;

    ConsentDecisions(GatewayTargets targets, ConsoleAuthorizationService authorizations,
            GatewayAuthRepository repository, AuditService audit, TransactionTemplate tx) {
        this.targets = targets;
        this.authorizations = authorizations;
        this.repository = repository;
        this.audit = audit;
        this.tx = tx;
    }

    boolean consentRequired(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        String resource = AuthorizationRequests.resource(context.getAuthorizationRequest());
        OAuth2AuthorizationConsent consent = context.getAuthorizationConsent();
        return resource == null || consent == null || consent.getAuthorities().stream()
                .noneMatch(a -> (AUTHORITY_PREFIX + resource).equals(a.getAuthority()));
    }

    void decide(OAuth2AuthorizationConsentAuthenticationContext context) {
        OAuth2AuthorizationConsentAuthenticationToken answer = context.getAuthentication();
        OAuth2AuthorizationRequest request = context.getAuthorizationRequest();
        RegisteredClient client = context.getRegisteredClient();
        String resource = AuthorizationRequests.resource(request);
        Optional<GatewayTargets.Target> target = targets.resolve(resource);
        ConsoleUser user = answer.getPrincipal() instanceof Authentication a && a.getPrincipal() instanceof ConsoleUser u
                ? u : null;
        if (target.isEmpty() || user == null || !target.get().userId().equals(user.userId())) {
            authorizations.remove(context.getAuthorization());
            throw denied(answer, request, "This request is not for your own endpoint.");
        }
        GatewayTargets.Target t = target.get();
        Map<String, String> details = new HashMap<>();
        details.put("resource", t.resource());
        details.put("redirect_uri", request.getRedirectUri());
        details.put("client_id", client.getClientId());
        boolean allow = "allow".equals(answer.getAdditionalParameters().get(DECISION));
        if (!allow) {
            authorizations.remove(context.getAuthorization());
            tx.executeWithoutResult(s -> audit.record(AuditRecord.of(t.orgId(), Actor.person(user.userId(),
                            user.email()), AuditAction.GATEWAY_CONSENT_DENIED)
                    .target("gateway_client", client.getClientId(), client.getClientName()).details(details)));
            throw denied(answer, request, "The member did not allow this app.");
        }
        context.getAuthorizationConsent().authority(new SimpleGrantedAuthority(AUTHORITY_PREFIX + t.resource()));
        tx.executeWithoutResult(s -> {
            if (repository.firstUseInOrganization(t.orgId(), client.getId())) {
                audit.record(AuditRecord.of(t.orgId(), Actor.person(user.userId(), user.email()),
                                AuditAction.GATEWAY_CLIENT_REGISTERED)
                        .target("gateway_client", client.getClientId(), client.getClientName())
                        .details(Map.of("registration", ConsoleClientRepository.isMetadataDocumentClient(
                                        client.getClientId()) ? "client_id_metadata_document" : "dynamic",
                                "registered_at", String.valueOf(client.getClientIdIssuedAt()),
                                "redirect_uris", String.join(" ", client.getRedirectUris()))));
            }
            audit.record(AuditRecord.of(t.orgId(), Actor.person(user.userId(), user.email()),
                            AuditAction.GATEWAY_CONSENT_GIVEN)
                    .target("gateway_client", client.getClientId(), client.getClientName()).details(details));
        });
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException denied(
            OAuth2AuthorizationConsentAuthenticationToken answer, OAuth2AuthorizationRequest request,
            String description) {
        OAuth2AuthorizationCodeRequestAuthenticationToken result = new OAuth2AuthorizationCodeRequestAuthenticationToken(
                answer.getAuthorizationUri(), answer.getClientId(), (Authentication) answer.getPrincipal(),
                request == null ? null : request.getRedirectUri(), request == null ? null : request.getState(),
                request == null ? java.util.Set.of() : request.getScopes(), null);
        return new OAuth2AuthorizationCodeRequestAuthenticationException(
                new OAuth2Error("access_denied", description, null), result);
    }
}
