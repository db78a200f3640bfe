package org.connectorconsole.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Serial;
import java.util.Map;
import org.connectorconsole.base.EmailAddress;
import org.connectorconsole.base.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * after a password sign-in: the provider's ID, access and refresh tokens are neither stored (no authorized
 * client is kept) nor ever sent anywhere, and connections use only their own per-connector tokens.
 */
@Component
class SingleSignOn implements OAuth2UserService<OidcUserRequest, OidcUser> {

    static final String REFUSED = "console_refused";
    private static final Logger log = LoggerFactory.getLogger(SingleSignOn.class);

    private final OidcUserService oidc = new OidcUserService();
    private final SsoEnrollment enrollment;
    private final IdentityRepository repository;
    private final SignInEvents events;
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();
    private final SavedRequestAwareAuthenticationSuccessHandler onwards =
            new SavedRequestAwareAuthenticationSuccessHandler();
    private final SimpleUrlAuthenticationFailureHandler back = new SimpleUrlAuthenticationFailureHandler(
            "/login?error");

    SingleSignOn(SsoEnrollment enrollment, IdentityRepository repository, SignInEvents events) {
        this.enrollment = enrollment;
        this.repository = repository;
        this.events = events;
        onwards.setDefaultTargetUrl("/");
    }

    /** The provider's ID token and user info, checked by Spring; then the console decides who this is. */
    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser provided = oidc.loadUser(request);
        String provider = request.getClientRegistration().getClientName();
        String issuer = provided.getIssuer() == null ? request.getClientRegistration().getProviderDetails()
                .getIssuerUri() : provided.getIssuer().toString();
        String email = provided.getEmail() == null ? null : EmailAddress.normalize(provided.getEmail());
        SsoIdentity identity = new SsoIdentity(provider, issuer, provided.getSubject(), email,
                Boolean.TRUE.equals(provided.getEmailVerified()), provided.getFullName());
        try {
            UserId userId = enrollment.resolve(identity);
            IdentityRepository.Account account = repository.account(userId).orElseThrow(
                    () -> new SsoRefusedException("Your account could not be found. Try again."));
            ConsoleUser user = ConsoleAuthenticationProvider.signedInUser(repository, account);
            events.signedIn(repository.memberships(userId), "sso");
            return new Mapped(provided, user);
        } catch (SsoRefusedException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error(REFUSED, e.getMessage(), null), e.getMessage());
        }
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
