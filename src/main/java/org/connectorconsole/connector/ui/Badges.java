package org.connectorconsole.connector.ui;

import com.vaadin.flow.component.html.Span;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.Diagnosis;

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
        Span badge = new Span(connector.stateLabel());
        String theme = "badge small pill";
        if (connector.enabled() && connector.lastCheck() != null) {
            Diagnosis.Outcome outcome = connector.lastCheck().outcome();
            theme += outcome == Diagnosis.Outcome.FAILED ? " error" : " success";
        } else if (!connector.enabled()) {
            theme += " contrast";
        }
        badge.getElement().getThemeList().add(theme);
        return badge;
    }
}
