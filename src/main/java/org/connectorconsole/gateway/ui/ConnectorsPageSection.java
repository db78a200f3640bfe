package org.connectorconsole.gateway.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.ui.NewTokenDialog;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageSection;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.gateway.GatewaySettingsService;
import org.connectorconsole.gateway.PersonalAccessTokens;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.security.access.AccessDeniedException;

/**
 * Settings › Connectors: "Use your connectors from your assistant" — the member's endpoint with a copy button,
 * how to add it to common clients, and their personal access tokens for headless agents.
 */
@org.springframework.stereotype.Component
class ConnectorsPageSection implements PageSection {

    private final GatewaySettingsService gateway;
    private final PersonalAccessTokens tokens;
    private final CurrentMember currentMember;

    ConnectorsPageSection(GatewaySettingsService gateway, PersonalAccessTokens tokens, CurrentMember currentMember) {
        this.gateway = gateway;
        this.tokens = tokens;
        this.currentMember = currentMember;
    }

    @Override
    public String page() {
        return SETTINGS_CONNECTORS;
    }

    @Override
    public Optional<com.vaadin.flow.component.Component> create(Object subject) {
        Member me = currentMember.require();
        if (!me.plan().allowsCustomConnectors()) {
            return Optional.empty();
        }
        VerticalLayout section = new VerticalLayout();
        section.setPadding(false);
        section.setId("gateway-section");
        section.add(new H3("Use your connectors from your assistant"));
        if (!gateway.current().enabled()) {
            Div off = new Div(new H3("The gateway is off"), new Paragraph(me.isOwner()
                    ? "Switch it on under Gateway to let members use their connectors from their own assistants "
                            + "(Claude, ChatGPT, VS Code, Cursor, agents), under the rules you set here."
                    : "An owner of " + me.orgName() + " can switch it on; then you can use your connectors from "
                            + "your own assistant (Claude, ChatGPT, VS Code, Cursor, agents). Ask an owner."));
            off.setId("gateway-off");
            off.addClassName("console-empty");
            section.add(off);
            return Optional.of(section);
        }
        String address = gateway.memberEndpoint();
        Paragraph lead = new Paragraph("One MCP address for every connector you may use here: your assistant sees "
                + "the tools of the connectors you connected, with your own sign-in, under " + me.orgName()
                + "'s rules, and every call is in the audit log.");
        lead.addClassName("console-muted");
        UnorderedList how = new UnorderedList(
                new ListItem("Hosted assistant (Claude, ChatGPT): add a custom connector with this address. It opens "
                        + "the console's sign-in; allow the assistant, and it lists your tools."),
                new ListItem("Desktop and editor clients (Claude Desktop, VS Code, Cursor): add it to the client's "
                        + "MCP servers:"));
        section.add(lead, EndpointBox.of("gateway-endpoint", address), how,
                EndpointBox.snippet("gateway-snippet", address));
        section.add(tokensPart());
        return Optional.of(section);
    }

    /** Personal access tokens: for agents that cannot open a browser to sign in. */
    private VerticalLayout tokensPart() {
        Grid<PersonalAccessTokens.TokenInfo> grid = new Grid<>();
        grid.setId("gateway-tokens");
        grid.addThemeVariants(GridVariant.LUMO_NO_BORDER, GridVariant.LUMO_COMPACT);
        grid.setAllRowsVisible(true);
        Runnable[] refresh = new Runnable[1];
        grid.addColumn(PersonalAccessTokens.TokenInfo::name).setHeader("Name").setFlexGrow(2);
        grid.addColumn(t -> TimeTexts.ago(t.createdAt())).setHeader("Created");
        grid.addColumn(t -> state(t)).setHeader("State").setFlexGrow(2);
        grid.addColumn(t -> t.lastUsedAt() == null ? "Never" : TimeTexts.ago(t.lastUsedAt())).setHeader("Last used");
        grid.addComponentColumn(t -> {
            if (!t.live(Instant.now())) {
                return new Span();
            }
            Button revoke = new Button("Revoke", e -> Confirmations.confirm("Revoke \u201c" + t.name() + "\u201d?",
                    "Agents using this token are refused from then on. This cannot be undone: a new token must be "
                            + "created and given to them.", "Revoke", () -> {
                        tokens.revoke(t.id());
                        Notices.success("The token \u201c" + t.name() + "\u201d is revoked; agents using it are refused "
                                + "now.");
                        refresh[0].run();
                    }));
            revoke.setId("revoke-gateway-token-" + t.id());
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            return revoke;
        }).setHeader("").setAutoWidth(true);
        Div none = new Div(new Paragraph("No tokens yet. Create one for an agent that cannot open a browser to sign "
                + "in; it sends the token as \"Authorization: Bearer …\"."));
        none.setId("no-gateway-tokens");
        none.addClassName("console-empty");
        refresh[0] = () -> {
            var list = tokens.mine();
            grid.setItems(list);
            grid.setVisible(!list.isEmpty());
            none.setVisible(list.isEmpty());
        };
        refresh[0].run();
        Button create = new Button("New personal access token", VaadinIcon.KEY.create(), e -> openNew(refresh[0]));
        create.setId("new-gateway-token");
        VerticalLayout part = new VerticalLayout(new H4("Personal access tokens"), none, grid, create);
        part.setPadding(false);
        return part;
    }

    private static String state(PersonalAccessTokens.TokenInfo t) {
        if (t.revokedAt() != null) {
            return "Revoked " + TimeTexts.ago(t.revokedAt()) + ("MEMBERSHIP".equals(t.revokedWhy())
                    ? " (membership ended)" : "");
        }
        return t.expiresAt().isAfter(Instant.now()) ? "Expires " + TimeTexts.in(t.expiresAt())
                : "Expired " + TimeTexts.ago(t.expiresAt());
    }

    private void openNew(Runnable refresh) {
        IntegerField days = new IntegerField("Expires after (days)");
        days.setId("gateway-token-days");
        days.setValue(30);
        days.setMin(1);
        days.setMax(PersonalAccessTokens.MAX_DAYS);
        NewTokenDialog.open("New personal access token", "gateway-token", "e.g. build agent", Map.of("days", days),
                name -> {
                    try {
                        return tokens.create(name, days.getValue() == null ? 0 : days.getValue()).secret();
                    } catch (AccessDeniedException | org.connectorconsole.base.ConflictException ex) {
                        Notices.error(ex.getMessage());
                        return null;
                    }
                }, "Give it to the agent as \"Authorization: Bearer …\" with your endpoint's address. The console "
                        + "keeps only a hash and cannot show it again; if it is lost, revoke it and create another.",
                refresh);
    }
}
