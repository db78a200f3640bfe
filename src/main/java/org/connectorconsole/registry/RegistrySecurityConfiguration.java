package org.connectorconsole.registry;

import org.connectorconsole.security.SecurityHeaders;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * {@code /registry/**}: read-only, no session, no cookie (a browser's session authenticates nothing here), no CSRF
 * token (nothing changes state), GET only. Whether a reader may read is the registry's own setting (public, or its
 * bearer token), checked by the {@link RegistryController}.
 */
@Configuration
class RegistrySecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain registrySecurityFilterChain(HttpSecurity http) throws Exception {
        SecurityHeaders.apply(http);
        http.securityMatcher("/registry/**")
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(context -> context.securityContextRepository(
                        new RequestAttributeSecurityContextRepository()))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(org.springframework.http.HttpMethod.GET, "/registry/o/*/v0.1/servers",
                                "/registry/o/*/v0.1/servers/**").permitAll()
                        .anyRequest().denyAll());
        return http.build();
    }
}
