package org.connectorconsole.conversation.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;

/** The member's conversations: start one, and reopen a recent one. */
@Route("conversations")
@PageTitle("Conversations · Connector Console")
@Menu(title = "Conversations", order = 4, icon = "vaadin:comments-o")
@PermitAll
class ConversationsView extends VerticalLayout {

    private final ConversationService conversations;
    private final VerticalLayout list = new VerticalLayout();

    ConversationsView(ConversationService conversations, org.connectorconsole.security.LiveUpdates live) {
        this.conversations = conversations;
        addClassName("console-page");
        setMaxWidth("60rem");
        TextField title = new TextField();
        title.setId("new-conversation-title");
        title.setPlaceholder("What is it about? (optional)");
        title.setWidth("24rem");
        title.setMaxLength(ConversationService.MAX_TITLE);
        Button start = new Button("New conversation", VaadinIcon.PLUS.create(), e -> {
            try {
                Conversation created = conversations.create(title.getValue());
                open(created);
            } catch (ValidationException ex) {
                title.setInvalid(true);
                title.setErrorMessage(ex.getMessage());
            }
        });
        start.setId("new-conversation");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        title.addKeyPressListener(com.vaadin.flow.component.Key.ENTER, e -> start.click());
        HorizontalLayout bar = new HorizontalLayout(title, start);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        Paragraph lead = new Paragraph("A conversation is a workspace: the connectors you switch on in it, and the "
                + "tools you run there with your own connections, stay with it.");
        lead.addClassName("console-muted");
        list.setPadding(false);
        list.setId("conversations");
        add(new H2("Conversations"), lead, bar, new H3("Recent"), list);
        refresh();
        // a call in another tab, or through the gateway, moves a conversation up
        org.connectorconsole.base.ui.LivePage.refreshOn(this, live::subscribe,
                java.util.EnumSet.of(org.connectorconsole.base.LiveTopic.TOOL_CALLS), this::refresh);
    }

    private void refresh() {
        list.removeAll();
        List<Conversation> recent = conversations.recent();
        if (recent.isEmpty()) {
            Div empty = new Div(new H3("No conversations yet"), new Paragraph("Start one above. In it, the + button "
                    + "at the bottom left opens Connectors, where you switch on the connectors to use there."));
            empty.setId("no-conversations");
            empty.addClassName("console-empty");
            list.add(empty);
            return;
        }
        for (Conversation c : recent) {
            Span name = new Span(c.title());
            name.addClassName("console-connection-name");
            Span when = new org.connectorconsole.base.ui.RelativeTime(c.updatedAt(), ago -> "last used " + ago);
            when.addClassName("console-muted");
            Div card = new Div(name, new Div(when));
            card.addClassName("console-connection-card");
            card.addClassName("console-clickable");
            card.setId("conversation-" + c.id());
            card.addClickListener(e -> open(c));
            org.connectorconsole.base.ui.KeyboardActivation.of(card);
            list.add(card);
        }
    }

    private void open(Conversation c) {
        getUI().ifPresent(ui -> ui.navigate(ConversationView.class, new RouteParameters("id", c.id().toString())));
    }

    static void showError(String message) {
        Notices.error(message);
    }
}
