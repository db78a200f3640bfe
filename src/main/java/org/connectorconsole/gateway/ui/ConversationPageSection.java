package org.connectorconsole.gateway.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.ui.PageSection;
import org.connectorconsole.gateway.GatewaySettingsService;
import org.connectorconsole.security.CurrentMember;

/** A conversation's page: its own endpoint, which offers only the connectors switched on in it. */
@org.springframework.stereotype.Component
class ConversationPageSection implements PageSection {

    private final GatewaySettingsService gateway;
    private final CurrentMember currentMember;

    ConversationPageSection(GatewaySettingsService gateway, CurrentMember currentMember) {
        this.gateway = gateway;
        this.currentMember = currentMember;
    }

    @Override
    public String page() {
        return CONVERSATION;
    }

    @Override
    public Optional<Component> create(Object subject) {
        if (!(subject instanceof UUID conversation) || !currentMember.require().plan().allowsCustomConnectors()
                || !gateway.current().enabled()) {
            return Optional.empty();
        }
        Paragraph about = new Paragraph("Your assistant can use this conversation's switched-on connectors (and no "
                + "others) at this address; switching a connector here changes what it sees.");
        about.addClassName("console-muted");
        VerticalLayout section = new VerticalLayout(new H3("Use from your assistant"), about,
                EndpointBox.of("conversation-endpoint", gateway.conversationEndpoint(conversation)));
        section.setPadding(false);
        section.setId("conversation-gateway");
        return Optional.of(section);
    }
}
