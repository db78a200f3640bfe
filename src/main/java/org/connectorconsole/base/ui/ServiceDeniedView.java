package org.connectorconsole.base.ui;

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
// The interface is named again here: error-view discovery (Vaadin's and Karibu's) reads it off the class itself.
public class ServiceDeniedView extends MessagePage<AccessDeniedException> implements HasErrorParameter<AccessDeniedException> {

    public ServiceDeniedView() {
        super("You can't do this here", HttpServletResponse.SC_FORBIDDEN);
    }

    @Override
    protected String messageFor(AccessDeniedException exception) {
        return exception.getMessage();
    }
}
