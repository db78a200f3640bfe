package org.connectorconsole.base.ui;

import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;
import org.connectorconsole.base.NotFoundException;

/** Something a page asked for does not exist, or belongs to another organization (deliberately alike). */
@PageTitle("Not found · Connector Console")
@AnonymousAllowed
@ParentLayout(MainLayout.class)
// The interface is named again here: error-view discovery (Vaadin's and Karibu's) reads it off the class itself.
public class MissingView extends MessagePage<NotFoundException> implements HasErrorParameter<NotFoundException> {

    public MissingView() {
        super("Not found", HttpServletResponse.SC_NOT_FOUND);
    }

    @Override
    protected String messageFor(NotFoundException exception) {
        return exception.getMessage();
    }
}
