package org.connectorconsole.base.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;

/** A service refused an action while a page was opening: say why (the message is written for people). */
@PageTitle("Not allowed · Connector Console")
@AnonymousAllowed
@ParentLayout(MainLayout.class)
public class ServiceDeniedView extends VerticalLayout implements HasErrorParameter<AccessDeniedException> {

    private final Paragraph reason = new Paragraph();

    public ServiceDeniedView() {
        addClassName("console-message-page");
        add(new H2("You can't do this here"), reason, new Anchor("", "Back to the overview"));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<AccessDeniedException> parameter) {
        reason.setText(parameter.getException().getMessage());
        return HttpServletResponse.SC_FORBIDDEN;
    }
}
