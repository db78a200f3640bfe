package org.connectorconsole.base.ui;

import com.vaadin.flow.component.Component;
import java.util.Optional;

/**
 * A section one feature contributes to another feature's page, so that neither depends on the other's views (nor
 * their packages on each other): the page asks every {@code PageSection} bean for its {@link #page()} and adds what
 * they create. Each call creates new components (a view's components belong to one UI).
 */
public interface PageSection {

    /** Settings › Connectors (the member's connectors); the subject is null. */
    String SETTINGS_CONNECTORS = "settings/connectors";
    /** A conversation's page; the subject is the conversation's id (a UUID). */
    String CONVERSATION = "conversation";

    String page();

    /** The section for {@code subject}, or empty when there is nothing to show the signed-in person. */
    Optional<Component> create(Object subject);
}
