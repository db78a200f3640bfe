package org.connectorconsole.base.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;

/** Anything unexpected while opening a page: a reference to quote, never a stack trace. */
@PageTitle("Something went wrong · Connector Console")
@AnonymousAllowed
public class UnexpectedErrorView extends VerticalLayout implements HasErrorParameter<Exception> {

    private final Paragraph message = new Paragraph();

    public UnexpectedErrorView() {
        addClassName("console-message-page");
        add(new H2("Something went wrong"), message, new Anchor("", "Back to the overview"));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<Exception> parameter) {
        message.setText(UiErrorHandling.messageFor(parameter.getException()));
        return HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
    }
}
