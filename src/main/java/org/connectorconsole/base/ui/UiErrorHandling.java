package org.connectorconsole.base.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

/**
 * Errors raised while handling a click or an edit become a message the person can act on; anything unexpected
 * is logged with a reference the person can quote, and never shown as a stack trace.
 */
@Component
public class UiErrorHandling implements VaadinServiceInitListener {

    private static final Logger log = LoggerFactory.getLogger(UiErrorHandling.class);
    static final String DATABASE_UNREACHABLE = "The console cannot reach its database right now. Try again in a "
            + "minute; if it persists, tell your administrator";

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addSessionInitListener(init -> init.getSession().setErrorHandler(UiErrorHandling::handle));
    }

    static void handle(ErrorEvent event) {
        String message = messageFor(event.getThrowable());
        UI ui = UI.getCurrent();
        if (ui != null) {
            ui.access(() -> Notices.error(message));
        }
    }

    /** The sentence a person reads for {@code error}: the console's own words, never the exception's text. */
    public static String messageFor(Throwable error) {
        Throwable t = error;
        while (t != null) {
            if (t instanceof ValidationException || t instanceof ConflictException || t instanceof NotFoundException
                    || t instanceof AccessDeniedException) {
                return t.getMessage();
            }
            if (t instanceof org.springframework.transaction.CannotCreateTransactionException
                    || t instanceof org.springframework.transaction.TransactionSystemException
                    || t instanceof org.springframework.dao.DataAccessResourceFailureException) {
                // the database is down or restarting: the pool reconnects by itself once it is back
                String reference = org.connectorconsole.base.Incidents.newReference();
                log.warn("Database unreachable (reference {}): {}", reference, t.getMessage());
                return DATABASE_UNREACHABLE + " (reference " + reference + ")";
            }
            t = t.getCause();
        }
        String reference = org.connectorconsole.base.Incidents.newReference();
        log.error("Unexpected error (reference {})", reference, error);
        return "Something went wrong on our side (reference " + reference + "). "
                + "Try again; if it persists, give this reference to your administrator.";
    }
}
