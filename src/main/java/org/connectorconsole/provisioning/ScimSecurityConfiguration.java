package org.connectorconsole.provisioning;

import org.connectorconsole.security.BearerCallerFilter;
import org.connectorconsole.security.BearerOnlyChain;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /scim/**}: identity providers with a SCIM credential only. No session, no cookie (a signed-in browser's
 * session cookie authenticates nothing here, so no cross-site request can use it and no CSRF token is needed), no
 * redirect to a sign-in page: a request without a live credential is answered 401 in SCIM's error shape before any
 * controller runs.
 */
@Configuration
class ScimSecurityConfiguration {

    static final String CALLER = "connector-console.scim-caller";

    @Bean
    @Order(1)
    SecurityFilterChain scimSecurityFilterChain(HttpSecurity http, ScimCredentials credentials) throws Exception {
        // the credential filter lets nothing through without a live credential
        return BearerOnlyChain.on(http, "/scim/**", "scim").authenticatedBy(new BearerCallerFilter<>(
                credentials::authenticate, CALLER, response -> {
                    response.setHeader("WWW-Authenticate", "Bearer realm=\"scim\"");
                    ScimErrors.write(response, 401, null, "A SCIM credential is required: Authorization: Bearer "
                            + "ccscim_... (an owner creates one under Organization > Provisioning; revoked ones stop "
                            + "working).");
                }))
                .build();
    }
}
