package org.connectorconsole.base.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;

/**
 * The shape every error page shares: a heading, a sentence a person can act on, and the way back. Subclasses say
 * which exception they answer, with which status and which sentence.
 */
abstract class MessagePage<E extends Exception> extends VerticalLayout implements HasErrorParameter<E> {

    private final Paragraph message = new Paragraph();
    private final int status;

    MessagePage(String heading, int status) {
        this.status = status;
        addClassName("console-message-page");
        add(new H2(heading), message, new Anchor("", "Back to the overview"));
    }

    /** The sentence shown under the heading. */
    protected abstract String messageFor(E exception);

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<E> parameter) {
        message.setText(messageFor(parameter.getException()));
        return status;
    }
}
