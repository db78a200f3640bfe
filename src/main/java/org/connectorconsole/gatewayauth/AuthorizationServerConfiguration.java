package org.connectorconsole.gatewayauth;

import java.time.Duration;
import java.util.List;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.security.SecurityHeaders;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationConsentAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The console's OAuth 2.1 authorization server for the gateway's endpoints, built on Spring Authorization Server
 * (decision 0037). Its own filter chain catches only its endpoints ({@code /oauth2/**} and the two well-known
 * metadata documents), ahead of the console's chain; {@code /mcp/**} is not caught here. The browser part (sign-in)
 * is the console's own: the session is shared, and an unsigned request to {@code /oauth2/authorize} is sent to
 * {@code /login}, which sends the member back afterwards (the saved request).
 */
@Configuration
class AuthorizationServerConfiguration {

    static final String CONSENT_PAGE = "/oauth2/consent";

    @Bean
    @Order(2)
    SecurityFilterChain authorizationServerFilterChain(HttpSecurity http, ConsoleClientRepository clients,
            ConsoleAuthorizationService authorizations, OAuth2AuthorizationConsentService consents,
            AuthorizationServerSettings settings, OAuth2TokenGenerator<?> tokenGenerator,
            AuthorizationRequests requests, ConsentDecisions decisions, RegistrationLimit registrationLimit,
            ProtectedResourceMetadataController resourceMetadata) throws Exception {
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        RequestMatcher endpoints = new OrRequestMatcher(server.getEndpointsMatcher(),
                request -> request.getRequestURI().startsWith(request.getContextPath()
                        + ProtectedResourceMetadataController.PREFIX));
        SecurityHeaders.apply(http);
        http.securityMatcher(endpoints)
                .with(server, as -> as
                        .registeredClientRepository(clients)
                        .authorizationService(authorizations)
                        .authorizationConsentService(consents)
                        .authorizationServerSettings(settings)
                        .tokenGenerator(tokenGenerator)
                        .authorizationServerMetadataEndpoint(metadata -> metadata
                                .authorizationServerMetadataCustomizer(m -> m
                                        .codeChallengeMethods(methods -> {
                                            methods.clear();
                                            methods.add("S256");
                                        })
                                        .grantTypes(types -> types.retainAll(
                                                List.of("authorization_code", "refresh_token")))
                                        .responseTypes(types -> types.retainAll(List.of("code")))
                                        .claim("authorization_response_iss_parameter_supported", true)
                                        .claim("client_id_metadata_document_supported", true)))
                        .clientAuthentication(auth -> auth
                                .authenticationConverter(new PublicClients.Converter())
                                .authenticationProviders(providers -> providers.addFirst(
                                        new PublicClients.Provider(clients))))
                        .authorizationEndpoint(endpoint -> endpoint
                                .consentPage(CONSENT_PAGE)
                                .authorizationResponseHandler(requests::sendAuthorizationResponse)
                                .errorResponseHandler(requests::sendErrorResponse)
                                .authenticationProviders(providers -> providers.forEach(provider -> {
                                    if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider p) {
                                        p.setAuthenticationValidator(requests::validate);
                                        p.setAuthorizationConsentRequired(decisions::consentRequired);
                                    } else if (provider instanceof OAuth2AuthorizationConsentAuthenticationProvider p) {
                                        p.setAuthorizationConsentCustomizer(decisions::decide);
                                    }
                                })))
                        .clientRegistrationEndpoint(registration -> registration
                                .openRegistrationAllowed(true)
                                .authenticationProviders(providers -> providers.forEach(provider -> {
                                    if (provider instanceof OAuth2ClientRegistrationAuthenticationProvider p) {
                                        p.setOpenRegistrationAllowed(true);
                                        p.setAuthenticationValidator(
                                                OAuth2ClientRegistrationAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR
                                                        .andThen(RegistrationLimit::validateMetadata));
                                    }
                                }))))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/.well-known/**", "/oauth2/register").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"),
                        request -> request.getRequestURI().equals(request.getContextPath() + "/oauth2/authorize")))
                // after the header writer, so that their answers and refusals carry the security headers too
                .addFilterAfter(registrationLimit.filter(), HeaderWriterFilter.class)
                .addFilterAfter(resourceMetadata.filter(), HeaderWriterFilter.class);
        return http.build();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(PublicAddress publicAddress) {
        AuthorizationServerSettings.Builder builder = AuthorizationServerSettings.builder();
        // with a configured public address that is the issuer; without one (development) the issuer is taken from
        // each request (Spring Authorization Server resolves it from the request's own address)
        if (!publicAddress.configured().isEmpty()) {
            builder.issuer(publicAddress.configured());
        }
        return builder.build();
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(JdbcOperations jdbc,
            ConsoleClientRepository clients) {
        return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
    }

    @Bean
    OAuth2TokenGenerator<?> gatewayTokenGenerator(AudienceBinding audience) {
        OAuth2AccessTokenGenerator accessTokens = new OAuth2AccessTokenGenerator();
        accessTokens.setAccessTokenCustomizer(audience::customize);
        return new DelegatingOAuth2TokenGenerator(accessTokens, new PublicClients.RefreshTokens());
    }

    /** How long what the authorization server issues lives. */
    record Lifetimes(Duration accessToken, Duration refreshToken, Duration authorizationCode) {
    }

    @Bean
    Lifetimes gatewayTokenLifetimes(
            @Value("${console.gateway.auth.access-token-minutes:5}") long accessMinutes,
            @Value("${console.gateway.auth.refresh-token-days:30}") long refreshDays,
            @Value("${console.gateway.auth.code-seconds:120}") long codeSeconds) {
        return new Lifetimes(Duration.ofMinutes(accessMinutes), Duration.ofDays(refreshDays),
                Duration.ofSeconds(codeSeconds));
    }
}
