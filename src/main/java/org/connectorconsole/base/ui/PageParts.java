package org.connectorconsole.base.ui;

import com.vaadin.flow.component.html.H2;
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

    /**
     * Makes {@code view} a console page ({@link #page}) and starts it with where it sits, its title and its lead
     * ({@link #trail}, an {@code H2}, {@link #lead}), before anything else the view adds.
     */
    public static void header(VerticalLayout view, String maxWidth, String where, String title, String lead) {
        page(view, maxWidth);
        view.add(trail(where), new H2(title), lead(lead));
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
