package org.connectorconsole.connection.ui;

import com.vaadin.flow.server.VaadinSession;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.OAuthCallbackController;

/** The outcome of a sign-in that just came back through the callback, shown once by the page it returned to. */
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
