package org.connectorconsole.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Serial;
import java.util.Map;
import org.connectorconsole.base.EmailAddress;
import org.connectorconsole.base.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * Sign-in through OpenID Connect providers configured with Spring Boot's standard
 * {@code spring.security.oauth2.client.*} properties. The provider's answer is mapped to a console account by
 * {@link SsoEnrollment}; after that, the session holds only the console's own {@link ConsoleUser}, exactly as
 * after a password sign-in: the provider's access and refresh tokens are neither stored (no authorized client is
 * kept) nor ever sent anywhere. The ID token alone is kept, sealed, until it expires ({@link SsoAssertions}): it is
 * the identity assertion enterprise-managed connections exchange at the provider (decision 0059).
 */
@Component
class SingleSignOn implements OAuth2UserService<OidcUserRequest, OidcUser> {

    static final String REFUSED = "console_refused";
    private static final Logger log = LoggerFactory.getLogger(SingleSignOn.class);

    private final OidcUserService oidc = new OidcUserService();
    private final SsoEnrollment enrollment;
    private final IdentityRepository repository;
    private final SignInEvents events;
    private final SsoAssertions assertions;
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();
    private final SavedRequestAwareAuthenticationSuccessHandler onwards =
            new SavedRequestAwareAuthenticationSuccessHandler();
    private final SimpleUrlAuthenticationFailureHandler back = new SimpleUrlAuthenticationFailureHandler(
            "/login?error");

    private final org.springframework.context.ApplicationEventPublisher publisher;

    SingleSignOn(SsoEnrollment enrollment, IdentityRepository repository, SignInEvents events,
            SsoAssertions assertions, org.springframework.context.ApplicationEventPublisher publisher) {
        this.publisher = publisher;
        this.enrollment = enrollment;
        this.assertions = assertions;
        this.repository = repository;
        this.events = events;
        onwards.setDefaultTargetUrl("/");
    }

    /**
     * The provider's ID token and user info, checked by Spring; then the console decides who this is. Identities
     * are keyed by the ID token's issuer and subject, so the issuer must be the configured one: Spring checks
     * {@code iss} only when the registration names an {@code issuer-uri}, hence a registration without one is
     * refused, and the issuer is compared here explicitly as well.
     */
    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        String registrationId = request.getClientRegistration().getRegistrationId();
        String provider = request.getClientRegistration().getClientName();
        String configuredIssuer = request.getClientRegistration().getProviderDetails().getIssuerUri();
        if (configuredIssuer == null || configuredIssuer.isBlank()) {
            log.warn("Single sign-on through registration '{}' refused: its provider has no issuer-uri. Set "
                    + "spring.security.oauth2.client.provider.<provider>.issuer-uri so the console can check who "
                    + "issued the ID token.", registrationId);
            throw refused(provider + " is not fully configured on this console (its issuer is missing), so it "
                    + "cannot be used to sign in. Ask your administrator to set its issuer-uri.");
        }
        Object tokenIssuer = request.getIdToken().getClaims().get("iss");
        if (tokenIssuer == null || !configuredIssuer.equals(tokenIssuer.toString())) {
            log.warn("Single sign-on through registration '{}' refused: the ID token's issuer {} is not the "
                    + "configured issuer-uri {}.", registrationId, tokenIssuer, configuredIssuer);
            throw refused(provider + " answered with an ID token from another issuer. Nothing was signed in; ask "
                    + "your administrator to check the provider's issuer-uri.");
        }
        OidcUser provided = oidc.loadUser(request);
        String issuer = configuredIssuer;
        String email = provided.getEmail() == null ? null : EmailAddress.normalize(provided.getEmail());
        if (email != null && EmailAddress.problem(email).isPresent()) {
            throw refused(provider + " gave an e-mail address the console cannot use: " + EmailAddress
                    .problem(email).get() + " Ask your administrator to give you a plain ASCII address there.");
        }
        SsoIdentity identity = new SsoIdentity(provider, issuer, provided.getSubject(), email,
                Boolean.TRUE.equals(provided.getEmailVerified()), provided.getFullName());
        try {
            UserId userId;
            try {
                userId = enrollment.resolve(identity);
            } catch (DataIntegrityViolationException concurrent) {
                // two first sign-ins for one address at once: the other one created the account; look again
                userId = enrollment.resolve(identity);
            }
            IdentityRepository.Account account = repository.account(userId).orElseThrow(
                    () -> new SsoRefusedException("Your account could not be found. Try again."));
            ConsoleUser user = ConsoleAuthenticationProvider.signedInUser(repository, account, registrationId);
            assertions.keep(userId, issuer, request.getIdToken().getTokenValue(), request.getIdToken().getExpiresAt());
            events.signedIn(repository.memberships(userId), "sso");
            publisher.publishEvent(new SsoSignedIn(userId, provider, provided.getClaims()));
            return new Mapped(provided, user);
        } catch (SsoRefusedException e) {
            throw refused(e.getMessage());
        }
    }

    private static OAuth2AuthenticationException refused(String message) {
        return new OAuth2AuthenticationException(new OAuth2Error(REFUSED, message, null), message);
    }

    /** Replaces the provider's authentication (and its tokens) with the console's own principal. */
    AuthenticationSuccessHandler successHandler() {
        return (HttpServletRequest request, HttpServletResponse response, Authentication authentication) -> {
            Authentication result = authentication;
            if (authentication.getPrincipal() instanceof Mapped mapped) {
                ConsoleUser user = mapped.user;
                result = UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
                SecurityContext context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(result);
                SecurityContextHolder.setContext(context);
                sessions.saveContext(context, request, response);
            }
            onwards.onAuthenticationSuccess(request, response, result);
        };
    }

    AuthenticationFailureHandler failureHandler() {
        return (request, response, exception) -> {
            log.info("Single sign-on did not complete: {}", exception.getMessage());
            back.onAuthenticationFailure(request, response, exception);
        };
    }

    /** Keeps no authorized client: the provider's tokens end with the sign-in request. */
    static final class NoAuthorizedClients implements OAuth2AuthorizedClientRepository {
        @Override
        public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId,
                Authentication principal, HttpServletRequest request) {
            return null;
        }

        @Override
        public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal,
                HttpServletRequest request, HttpServletResponse response) {
            // deliberately not stored
        }

        @Override
        public void removeAuthorizedClient(String clientRegistrationId, Authentication principal,
                HttpServletRequest request, HttpServletResponse response) {
            // nothing stored
        }
    }

    /** The provider's user for the length of the sign-in request, carrying the console's principal. */
    static final class Mapped extends DefaultOidcUser {
        @Serial
        private static final long serialVersionUID = 1L;
        private final ConsoleUser user;

        Mapped(OidcUser provided, ConsoleUser user) {
            super(user.getAuthorities(), provided.getIdToken(), provided.getUserInfo());
            this.user = user;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return super.getAttributes();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mapped m && m.user.equals(user);
        }

        @Override
        public int hashCode() {
            return user.hashCode();
        }
    }
}
