package org.connectorconsole.connector.ui;

import com.vaadin.flow.component.html.Span;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.base.ui.StateBadges;

/** Lumo badges for connectors: the "Custom" label and the state. */
final class Badges {

    private Badges() {
    }

    static Span custom() {
        Span badge = new Span("Custom");
        badge.getElement().getThemeList().add("badge contrast small pill");
        return badge;
    }

    static Span state(Connector connector) {
        return StateBadges.badge(connector.useState());
    }
}
