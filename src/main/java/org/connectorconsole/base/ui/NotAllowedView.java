package org.connectorconsole.base.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.AccessDeniedException;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;

/** Shown, with status 403, when a signed-in person opens a page their role or plan does not include. */
@PageTitle("Not allowed · Connector Console")
@AnonymousAllowed
@ParentLayout(MainLayout.class)
public class NotAllowedView extends VerticalLayout implements HasErrorParameter<AccessDeniedException> {

    public NotAllowedView() {
        addClassName("console-message-page");
        add(new H2("You can't open this page"),
                new Paragraph("Your role or your organisation's plan does not include it. "
                        + "If you need it, ask an owner of your organisation."),
                new Anchor("", "Back to the overview"));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<AccessDeniedException> parameter) {
        return HttpServletResponse.SC_FORBIDDEN;
    }
}
