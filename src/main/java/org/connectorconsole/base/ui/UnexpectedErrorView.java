package org.connectorconsole.base.ui;

import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;

/** Anything unexpected while opening a page: a reference to quote, never a stack trace. */
@PageTitle("Something went wrong · Connector Console")
@AnonymousAllowed
// The interface is named again here: error-view discovery (Vaadin's and Karibu's) reads it off the class itself.
public class UnexpectedErrorView extends MessagePage<Exception> implements HasErrorParameter<Exception> {

    public UnexpectedErrorView() {
        super("Something went wrong", HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    }

    @Override
    protected String messageFor(Exception exception) {
        return UiErrorHandling.messageFor(exception);
    }
}
