package org.connectorconsole.security;

import com.vaadin.flow.spring.security.RequestUtil;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import jakarta.servlet.DispatcherType;
import java.util.Map;
import org.connectorconsole.security.ui.LoginView;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.CsrfFilter;

/**
 * Deny by default: Vaadin routes need an access annotation (views without one cannot be opened), every other
 * request needs a signed-in session, except the health probe.
 */
@Configuration
@EnableWebSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http,
            ObjectProvider<ClientRegistrationRepository> ssoProviders, SingleSignOn sso, RequestUtil vaadinRequests,
            CurrentMember currentMember) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                // a refusal's error page (a 403 for a missing CSRF token) is shown as it is, not turned into a
                // redirect to sign in
                .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                .requestMatchers("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")
                .permitAll()
                .requestMatchers("/actuator/**").denyAll()
                .requestMatchers("/styles.css", "/images/**").permitAll()
                // the console's OAuth client metadata document is public by design (servers fetch it)
                .requestMatchers("/oauth/client-metadata.json").permitAll()
                // where authorization servers send members back: a signed-in member only (checked again inside)
                .requestMatchers("/connectors/oauth/callback").authenticated());
        SecurityHeaders.apply(http);
        // Single sign-on only when a provider is configured: without one the console starts exactly as before
        if (ssoProviders.getIfAvailable() != null) {
            http.oauth2Login(login -> login
                    .loginPage("/login")
                    .userInfoEndpoint(userInfo -> userInfo.oidcUserService(sso))
                    .authorizedClientRepository(new SingleSignOn.NoAuthorizedClients())
                    .successHandler(sso.successHandler())
                    .failureHandler(sso.failureHandler()));
        }
        // Vaadin's own configuration exempts the sign-in path from the CSRF check, so a form posted from another
        // site signed the visitor in (login CSRF, issue 15). The login form sends the token from the page's meta
        // tags, so the path keeps the check; only Vaadin's internal requests, which carry Vaadin's own CSRF key,
        // are exempt as before.
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView(LoginView.class)
                .enableCsrfConfiguration(false));
        http.csrf(csrf -> csrf.ignoringRequestMatchers(vaadinRequests::isFrameworkInternalRequest));
        http.addFilterBefore(new CrossSiteRequestFilter(), CsrfFilter.class);
        http.addFilterAfter(new EndedSessionFilter(currentMember), SecurityContextHolderFilter.class);
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder(@Value("${console.security.bcrypt-strength:12}") int strength) {
        return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(strength)));
    }
}
