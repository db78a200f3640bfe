package org.connectorconsole.security;

import java.util.Locale;
import org.connectorconsole.base.ConsoleMetrics;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationFailureLockedEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Counts sign-ins by outcome from Spring Security's own authentication events, so password and single sign-on
 * attempts are counted alike, wherever they were decided.
 */
@Component
class SignInMetrics {

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        ConsoleMetrics.signIn("succeeded");
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        ConsoleMetrics.signIn(outcome(event));
    }

    private static String outcome(AbstractAuthenticationFailureEvent event) {
        if (event instanceof AuthenticationFailureBadCredentialsEvent) {
            return "bad_credentials";
        }
        if (event instanceof AuthenticationFailureLockedEvent) {
            return "locked";
        }
        // e.g. AuthenticationFailureServiceExceptionEvent -> service_exception
        String name = event.getClass().getSimpleName().replace("AuthenticationFailure", "").replace("Event", "");
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
