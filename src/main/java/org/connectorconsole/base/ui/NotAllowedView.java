package org.connectorconsole.base.ui;

import com.vaadin.flow.router.AccessDeniedException;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;

/** Shown, with status 403, when a signed-in person opens a page their role or plan does not include. */
@PageTitle("Not allowed · Connector Console")
@AnonymousAllowed
@ParentLayout(MainLayout.class)
// The interface is named again here: error-view discovery (Vaadin's and Karibu's) reads it off the class itself.
public class NotAllowedView extends MessagePage<AccessDeniedException> implements HasErrorParameter<AccessDeniedException> {

    public NotAllowedView() {
        super("You can't open this page", HttpServletResponse.SC_FORBIDDEN);
    }

    @Override
    protected String messageFor(AccessDeniedException exception) {
        return "Your role or your organization's plan does not include it. "
                + "If you need it, ask an owner of your organization.";
    }
}
