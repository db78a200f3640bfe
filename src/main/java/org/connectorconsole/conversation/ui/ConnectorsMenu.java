package org.connectorconsole.conversation.ui;

import static org.connectorconsole.conversation.ui.ConversationParts.muted;
import static org.connectorconsole.conversation.ui.ConversationParts.push;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.popover.Popover;
import com.vaadin.flow.component.popover.PopoverPosition;
import java.util.List;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ConnectorUseState;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.StateBadges;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.conversation.ConversationConnector;
import org.connectorconsole.conversation.ConversationId;
import org.connectorconsole.conversation.ConversationService;
import org.springframework.security.access.AccessDeniedException;

/**
 * The "+" button at the bottom left (in {@link #composer()}) and its menu: Connectors lists the organization's
 * connectors with the member's own state, a switch for each usable one (for this conversation only) and Connect for
 * the others.
 */
class ConnectorsMenu extends Popover {

    private final ConversationService conversations;
    private final ConnectionService connections;
    private final Runnable onSwitched;
    private final VerticalLayout content = new VerticalLayout();
    private final HorizontalLayout composer;
    private ConversationId conversationId;

    /** {@code onSwitched} runs after a connector was switched on or off here. */
    ConnectorsMenu(ConversationService conversations, ConnectionService connections, Runnable onSwitched) {
        this.conversations = conversations;
        this.connections = connections;
        this.onSwitched = onSwitched;
        Button plus = new Button(VaadinIcon.PLUS.create());
        plus.setId("conversation-plus");
        plus.setAriaLabel("Add to this conversation");
        plus.addThemeVariants(ButtonVariant.LUMO_ICON, ButtonVariant.LUMO_CONTRAST);
        plus.addClassName("console-plus");
        setTarget(plus);
        setPosition(PopoverPosition.TOP_START);
        setModal(true);
        setWidth("22rem");
        add(content);
        addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                showRoot();
            }
        });
        content.setPadding(false);
        content.setSpacing(false);
        content.setId("conversation-menu");
        Span hint = new Span("Use + to switch connectors on or off for this conversation.");
        hint.addClassName("console-muted");
        composer = new HorizontalLayout(plus, hint);
        composer.setAlignItems(FlexComponent.Alignment.CENTER);
        composer.addClassName("console-composer");
        composer.setId("conversation-composer");
    }

    /** The row with the "+" button, for the bottom of the page. */
    HorizontalLayout composer() {
        return composer;
    }

    void showFor(ConversationId id) {
        conversationId = id;
    }

    private void showRoot() {
        content.removeAll();
        Button connectorsItem = new Button("Connectors", VaadinIcon.PLUG.create(), e -> showConnectors());
        connectorsItem.setId("menu-connectors");
        connectorsItem.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        connectorsItem.setIconAfterText(false);
        connectorsItem.setWidthFull();
        connectorsItem.addClassName("console-menu-item");
        content.add(connectorsItem);
    }

    private void showConnectors() {
        content.removeAll();
        Button backButton = new Button("Connectors", VaadinIcon.ANGLE_LEFT.create(), e -> showRoot());
        backButton.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        content.add(backButton);
        if (!conversations.connectorsAvailable()) {
            content.add(muted("Connectors need a paid plan (Pro, Max, Team or Enterprise)."));
            return;
        }
        List<ConversationConnector> list = conversations.connectors(conversationId);
        if (list.isEmpty()) {
            Paragraph empty = muted("Your organization has no connectors yet. An owner adds them under Connectors; "
                    + "then you connect under Your connectors.");
            empty.setId("menu-no-connectors");
            content.add(empty);
            return;
        }
        VerticalLayout rows = new VerticalLayout();
        rows.setId("conversation-connectors");
        rows.setPadding(false);
        for (ConversationConnector c : list) {
            rows.add(row(c));
        }
        content.add(rows, muted("Switched on here only; other conversations keep their own choice."));
    }

    private HorizontalLayout row(ConversationConnector c) {
        Span name = new Span(c.name());
        name.addClassName("console-connector-row-name");
        Span state = StateBadges.badge(c.state().use());
        if (c.stateReason() != null) {
            state.setTitle(c.stateReason());
        }
        HorizontalLayout row = new HorizontalLayout(name, state);
        row.setWidthFull();
        row.setAlignItems(FlexComponent.Alignment.CENTER);
        row.getElement().setAttribute("data-connector", c.connectorId().toString());
        row.add(c.usable() ? toggle(c) : connectButton(c));
        row.setFlexGrow(1, name);
        return row;
    }

    private Checkbox toggle(ConversationConnector c) {
        Checkbox toggle = new Checkbox(c.enabled() ? "On" : "Off");
        toggle.setId("toggle-" + c.connectorId());
        toggle.setValue(c.enabled());
        toggle.setAriaLabel("Use " + c.name() + " in this conversation");
        toggle.addClassName("console-switch");
        toggle.addValueChangeListener(e -> {
            if (!e.isFromClient()) {
                return;
            }
            try {
                conversations.setEnabled(conversationId, c.connectorId(), e.getValue());
                toggle.setLabel(e.getValue() ? "On" : "Off");
                onSwitched.run();
            } catch (AccessDeniedException | NotFoundException ex) {
                Notices.error(ex.getMessage());
                showConnectors();
            }
        });
        return toggle;
    }

    private Button connectButton(ConversationConnector c) {
        Button connect = new Button(c.state() == MemberConnector.State.NOT_CONNECTED ? "Connect" : "Reconnect");
        connect.setId("connect-" + c.connectorId());
        connect.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_PRIMARY);
        connect.addClickListener(e -> connect(c, connect));
        return connect;
    }

    /** The server's sign-in page, then back to this conversation ("Connected to X"). */
    private void connect(ConversationConnector c, Button button) {
        button.setEnabled(false);
        button.setText("Opening sign-in…");
        UI current = UI.getCurrent();
        String here = "/conversations/" + conversationId;
        try {
            connections.connectInBackground(c.connectorId(), here, start -> push(current, () -> {
                if (start.needsBrowser()) {
                    current.getPage().setLocation(start.authorizationUrl());
                } else {
                    Notices.info(ConnectorUseState.NO_SIGN_IN.sentence(c.name()));
                    showConnectors();
                }
            }), failure -> push(current, () -> {
                button.setEnabled(true);
                button.setText("Connect");
                Notices.error(failure);
            }));
        } catch (RuntimeException e) {
            Notices.error(e.getMessage());
            showConnectors();
        }
    }
}
