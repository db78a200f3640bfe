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
import org.connectorconsole.base.NotFoundException;

/** Something a page asked for does not exist, or belongs to another organisation (deliberately alike). */
@PageTitle("Not found · Connector Console")
@AnonymousAllowed
@ParentLayout(MainLayout.class)
public class MissingView extends VerticalLayout implements HasErrorParameter<NotFoundException> {

    private final Paragraph reason = new Paragraph();

    public MissingView() {
        addClassName("console-message-page");
        add(new H2("Not found"), reason, new Anchor("", "Back to the overview"));
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        reason.setText(parameter.getException().getMessage());
        return HttpServletResponse.SC_NOT_FOUND;
    }
}
