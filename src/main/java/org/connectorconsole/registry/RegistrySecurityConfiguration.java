package org.connectorconsole.registry;

import org.connectorconsole.security.BearerOnlyChain;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /registry/**}: read-only, no session, no cookie (a browser's session authenticates nothing here), no CSRF
 * token (nothing changes state), GET only: any other request is answered 401 by the chain ({@link
 * org.connectorconsole.security.BearerOnlyChain}). Whether a reader may read is the registry's own setting (public, or its
 * bearer token), checked by the {@link RegistryController}.
 */
@Configuration
class RegistrySecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain registrySecurityFilterChain(HttpSecurity http) throws Exception {
        return BearerOnlyChain.on(http, "/registry/**", "registry")
                .access(auth -> auth
                        .requestMatchers(HttpMethod.GET, "/registry/o/*/v0.1/servers", "/registry/o/*/v0.1/servers/**")
                        .permitAll()
                        .anyRequest().denyAll())
                .build();
    }
}
