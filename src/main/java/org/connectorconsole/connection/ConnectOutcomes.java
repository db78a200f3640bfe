package org.connectorconsole.connection;

import com.vaadin.flow.server.VaadinSession;

/**
 * The outcome of a sign-in that just came back through the callback, shown once by the page it returned to (Your
 * connectors or a conversation). Beside {@link OAuthCallbackController}, which stores it in the session, rather than
 * in {@code connection.ui}: the conversation page reads it too, and one feature's views use no other's.
 */
public final class ConnectOutcomes {

    private ConnectOutcomes() {
    }

    public static CallbackOutcome take() {
        VaadinSession session = VaadinSession.getCurrent();
        if (session == null) {
            return null;
        }
        Object value = session.getSession().getAttribute(OAuthCallbackController.OUTCOME_ATTRIBUTE);
        session.getSession().removeAttribute(OAuthCallbackController.OUTCOME_ATTRIBUTE);
        return value instanceof CallbackOutcome o ? o : null;
    }
}
