package org.connectorconsole.base.ui;

import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;

/** The parts every console page starts with, styled the same way on every page (console.css). */
public final class PageParts {

    private PageParts() {
    }

    /** Makes {@code view} a console page, at most {@code maxWidth} wide (null: as wide as the window allows). */
    public static void page(VerticalLayout view, String maxWidth) {
        view.addClassName("console-page");
        if (maxWidth != null) {
            view.setMaxWidth(maxWidth);
        }
    }

    /** Where the page sits ("Organization settings"), shown above its title. */
    public static Span trail(String where) {
        Span trail = new Span(where);
        trail.addClassName("console-trail");
        return trail;
    }

    /** The page's lead: what it is for, in muted text below the title. */
    public static Paragraph lead(String text) {
        Paragraph lead = new Paragraph(text);
        lead.addClassName("console-muted");
        return lead;
    }
}
