package org.connectorconsole.security;

import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The security headers every response of the console carries, whichever filter chain answers it (the browser
 * chain and the API chain both apply them, so an API answer or refusal is no less protected than a page).
 */
public final class SecurityHeaders {

    /**
     * Vaadin Flow runs inline bootstrap scripts and evaluates server-sent JavaScript, hence the script-src
     * allowances; everything else stays on this origin and the console can never be framed.
     *
     * <p>'unsafe-eval' cannot go (checked in Vaadin 25.2, flow-client-25.2.4.jar, META-INF/frontend/FlowClient.js):
     * every server-sent {@code executeJs} is run as {@code new ($wnd.Function.bind.apply($wnd.Function, ...))}
     * (the compiled ExecuteJavaScriptProcessor, near "Exception is thrown during JavaScript execution"), and every
     * {@code @v-fn} value in the protocol's JSON is built the same way. Flow itself sends such scripts on ordinary
     * pages (UIInternals sets {@code document.title = $0} through executeJs; Grid and Notification use it too),
     * so without 'unsafe-eval' the browser refuses them and pages break in production mode as well.
     */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    public static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()";

    private SecurityHeaders() {
    }

    public static void apply(HttpSecurity http) throws Exception {
        http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                .frameOptions(frame -> frame.deny())
                .permissionsPolicyHeader(p -> p.policy(PERMISSIONS_POLICY))
                // Vaadin serves its pages through a forward, and refusals are written by filters further down the
                // chain, both past the point where lazily written headers would be added: write them before the
                // request is handled.
                .addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }));
    }
}
