package org.connectorconsole.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Signs a session out on its next request once an owner's "Revoke everything" or the identity provider's
 * deactivation ended the person's sessions in its organization: the session is invalidated before anything else
 * reads it, and the request goes on as a signed-out one (a page is sent to sign in).
 */
final class EndedSessionFilter extends OncePerRequestFilter {

    private final CurrentMember currentMember;

    EndedSessionFilter(CurrentMember currentMember) {
        this.currentMember = currentMember;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ConsoleUser user && currentMember.sessionEnded(user)) {
            SecurityContextHolder.clearContext();
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
        }
        chain.doFilter(request, response);
    }
}
