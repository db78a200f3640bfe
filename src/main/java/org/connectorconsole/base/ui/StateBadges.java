package org.connectorconsole.base.ui;

import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import org.connectorconsole.base.ConnectorUseState;

/** The badge for a {@link ConnectorUseState}: the same words, colour and icon on every page. */
public final class StateBadges {

    private StateBadges() {
    }

    public static Span badge(ConnectorUseState state) {
        Icon icon = new Icon(state.icon());
        icon.getElement().setAttribute("aria-hidden", "true");
        icon.getStyle().set("width", "var(--lumo-icon-size-s)").set("height", "var(--lumo-icon-size-s)")
                .set("margin-inline-end", "var(--lumo-space-xs)");
        Span badge = new Span(icon, new Text(state.label()));
        badge.getElement().getThemeList().add(("badge small pill " + state.theme()).strip());
        badge.getElement().setAttribute("data-state", state.name());
        badge.addClassName("console-state");
        badge.getStyle().set("white-space", "nowrap"); // the state's words stay on one line
        return badge;
    }
}
