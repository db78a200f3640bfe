package org.connectorconsole.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The token filter of a bearer-only chain ({@link BearerOnlyChain#authenticatedBy}): finds the caller the request's
 * bearer token stands for, refuses the request when there is none (or when {@code check} refuses this caller), and
 * hands the caller to the controller in a request attribute. Nothing passes without a caller.
 *
 * @param <C> what a live token stands for (an API caller, a SCIM credential, ...)
 */
public final class BearerCallerFilter<C> extends OncePerRequestFilter {

    /** Writes a refusal to the response. */
    @FunctionalInterface
    public interface Refusal {
        void write(HttpServletResponse response) throws IOException;
    }

    /** The refusal of a known caller's request (a token of another scope, say); null lets it pass. */
    @FunctionalInterface
    public interface Check<C> {
        Refusal refusal(HttpServletRequest request, C caller);
    }

    private final Function<String, Optional<C>> authenticate;
    private final String attribute;
    private final Refusal missing;
    private final Check<C> check;

    /**
     * {@code authenticate}: the live caller a token is, if any; {@code attribute}: the request attribute the
     * controller reads the caller from; {@code missing}: the answer to a request without a live token.
     */
    public BearerCallerFilter(Function<String, Optional<C>> authenticate, String attribute, Refusal missing,
            Check<C> check) {
        this.authenticate = authenticate;
        this.attribute = attribute;
        this.missing = missing;
        this.check = check;
    }

    /** The same, with no check beyond a live token. */
    public BearerCallerFilter(Function<String, Optional<C>> authenticate, String attribute, Refusal missing) {
        this(authenticate, attribute, missing, (request, caller) -> null);
    }

    /**
     * One "already filtered" flag per caller attribute, not per class: the API's and SCIM's filters are both this
     * class, and a request forwarded from one chain to the other must still be checked by the second.
     */
    @Override
    protected String getAlreadyFilteredAttributeName() {
        return BearerCallerFilter.class.getName() + "." + attribute + ".FILTERED";
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<C> caller = BearerOnlyChain.token(request).flatMap(authenticate);
        Refusal refusal = caller.isEmpty() ? missing : check.refusal(request, caller.get());
        if (refusal != null) {
            refusal.write(response);
            return;
        }
        request.setAttribute(attribute, caller.get());
        chain.doFilter(request, response);
    }
}
