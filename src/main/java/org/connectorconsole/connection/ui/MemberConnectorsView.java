package org.connectorconsole.connection.ui;

import org.connectorconsole.base.VisibleText;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import jakarta.annotation.security.PermitAll;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.ConnectorUseState;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.base.ui.StateBadges;
import org.connectorconsole.base.ui.PageSection;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.connection.ConnectOutcomes;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connection.MemberConnectorsPath;
import org.connectorconsole.connection.OAuthCallbackController;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;

/**
 * Settings › Connectors: every connector of the member's organization, labelled Custom, with the member's own
 * state and one action (Connect, Disconnect, Reconnect). Connected ones are checked with their server when the
 * page opens, in the background.
 */
@Route(MemberConnectorsPath.ROUTE)
@PageTitle("Your connectors · Connector Console")
@Menu(title = "Your connectors", order = 5, icon = "vaadin:plug")
@PermitAll
class MemberConnectorsView extends VerticalLayout implements BeforeEnterObserver {

    private final ConnectionService connections;
    private final ConnectionOverviewService overview;
    private Map<ConnectorId, java.time.Instant> reconnectRequests = Map.of();
    private final VerticalLayout list = new VerticalLayout();
    private final Div outcome = new Div();
    private final Map<ConnectorId, Div> cards = new LinkedHashMap<>();
    /** What each card shows (its last check's result, or the stored state). */
    private final Map<ConnectorId, MemberConnector> shownModels = new LinkedHashMap<>();
    /** What each card shows (its model, the member's tools and an owner's request), to keep a card that is unchanged. */
    private final Map<ConnectorId, Shown> shown = new LinkedHashMap<>();

    private record Shown(MemberConnector model, List<org.connectorconsole.connector.MemberTools.Tool> tools,
            boolean offered, java.time.Instant reconnectRequest, boolean icon) {
    }
    private final Member me;
    private final org.connectorconsole.connector.ConnectorService connectorService;
    private final org.connectorconsole.connection.EnterpriseManagedService enterprise;
    private final EnterpriseSignInNotice enterpriseNotice = new EnterpriseSignInNotice();
    private UI ui;
    private final org.connectorconsole.connector.ConnectorAccessService access;
    /** The member's effective modes (groups, grants, ceiling), read with the list. */
    private org.connectorconsole.connector.MemberTools standing;

    MemberConnectorsView(ConnectionService connections, ConnectionOverviewService overview,
            CurrentMember currentMember, List<PageSection> sections,
            org.connectorconsole.connector.ConnectorService connectorService,
            org.connectorconsole.connection.EnterpriseManagedService enterprise,
            org.connectorconsole.connector.ConnectorAccessService access,
            org.connectorconsole.security.LiveUpdates live) {
        this.connectorService = connectorService;
        this.enterprise = enterprise;
        this.access = access;
        this.connections = connections;
        this.overview = overview;
        this.me = currentMember.require();
        PageParts.page(this, "60rem");
        Span trail = PageParts.trail("Settings");
        add(trail, new H2("Connectors"));
        outcome.setId("connection-outcome");
        outcome.setVisible(false);
        add(outcome);
        if (!me.plan().allowsCustomConnectors()) {
            Div card = new Div(new H3("Custom connectors need a paid plan"),
                    new Paragraph("Connectors let your assistant use tools on remote MCP servers with your own "
                            + "sign-in. They are part of the Pro, Max, Team and Enterprise plans."));
            card.setId("paid-plan-needed");
            card.addClassName("console-empty");
            add(card);
            return;
        }
        Paragraph lead = PageParts.lead("Each connection is yours alone: you sign in to the connector's server, and "
                + "no one else in " + me.orgName() + " can see or use it.");
        H3 section = new H3("Connectors");
        list.setPadding(false);
        list.setId("member-connectors");
        add(lead, enterpriseNotice, section, list);
        // an owner removing, disabling or changing a connector, a tool held or approved, this member's connection
        // changing in another tab or on another instance: re-read without re-checking every server
        // (a tool held or approved changes what a connection offers: then ask the servers again)
        org.connectorconsole.base.ui.LivePage.onChanges(this, live::subscribe, java.util.EnumSet.of(
                org.connectorconsole.base.LiveTopic.CONNECTORS, org.connectorconsole.base.LiveTopic.CONNECTIONS, org.connectorconsole.base.LiveTopic.TOOLS), seen -> liveRefresh(
                        seen.contains(org.connectorconsole.base.LiveTopic.TOOLS) || seen.contains(org.connectorconsole.base.LiveTopic.RESYNC)));
        // other features' sections for this page (the gateway's "Use your connectors from your assistant")
        sections.stream().filter(s -> PageSection.SETTINGS_CONNECTORS.equals(s.page()))
                .forEach(s -> s.create(null).ifPresent(this::add));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        CallbackOutcome result = ConnectOutcomes.take();
        if (result != null) {
            outcome.removeAll();
            outcome.add(new Span(result.message()));
            outcome.getElement().getThemeList().clear();
            outcome.setClassName("console-outcome " + (result.connected() ? "console-outcome-success"
                    : "console-outcome-error"));
            outcome.setVisible(true);
        }
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        ui = attachEvent.getUI();
        if (me.plan().allowsCustomConnectors()) {
            refresh(true);
            connectThroughOrganization();
        }
    }

    /** Enterprise-managed connectors: connected in the background, without a click; the list follows. */
    private void connectThroughOrganization() {
        enterpriseNotice.onAsk(id -> {
            UI asking = ui;
            enterprise.connectThroughOrganizationInBackground(id, result -> {
                if (asking != null) {
                    asking.access(this::connectThroughOrganization);
                }
            });
        });
        UI current = ui;
        enterprise.connectAutomaticallyInBackground(results -> {
            if (current != null && !results.isEmpty()) {
                current.access(() -> {
                    enterpriseNotice.show(results);
                    if (results.stream().anyMatch(r -> r.connected())) {
                        refresh(true);
                    }
                });
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        ui = null;
    }

    private void refresh(boolean checkConnected) {
        list.removeAll();
        cards.clear();
        List<MemberConnector> all = connections.list();
        standing = access.myTools();
        reconnectRequests = overview.myReconnectRequests();
        if (all.isEmpty()) {
            Div empty = new Div(new H3("No connectors yet"), new Paragraph(me.isOwner()
                    ? "Add a custom connector under Connectors; it appears here for you and every member to connect."
                    : "An owner of " + me.orgName() + " adds connectors; once they do, they appear here for you to "
                            + "connect. Ask an owner if you need one."));
            empty.setId("no-connectors");
            empty.addClassName("console-empty");
            list.add(empty);
            return;
        }
        // what needs the member's action first (connect, reconnect, failing), in the list's order otherwise
        all = java.util.stream.Stream.concat(all.stream().filter(c -> needsAction(c)),
                all.stream().filter(c -> !needsAction(c))).toList();
        for (MemberConnector c : all) {
            boolean check = checkConnected && (c.state() == MemberConnector.State.CONNECTED
                    || c.state() == MemberConnector.State.FAILING || c.state() == MemberConnector.State.NO_SIGN_IN);
            MemberConnector shown = check ? c.withState(MemberConnector.State.CHECKING, null, List.of()) : c;
            Div card = card(shown);
            cards.put(c.id(), card);
            list.add(card);
            if (check) {
                startCheck(c.id());
            }
        }
    }

    /** The member must act: connect, reconnect, or look at a failure (or an owner asked them to). */
    private boolean needsAction(MemberConnector c) {
        return c.state().use().needsMemberAction() || reconnectRequests.containsKey(c.id());
    }

    /**
     * A change elsewhere: connectors removed or switched off go, new ones come, a card whose stored state changed is
     * shown anew (and checked, if connected); others keep what their last check showed. With {@code recheck}, every
     * connected card is checked again. A check only publishes a change when the state it stores differs, so this
     * cannot loop.
     */
    private void liveRefresh(boolean recheck) {
        List<MemberConnector> all = connections.list();
        if (all.isEmpty() || cards.isEmpty()) {
            refresh(false);
            return;
        }
        reconnectRequests = overview.myReconnectRequests();
        standing = access.myTools();
        // what needs the member's action first, as on a full refresh
        all = java.util.stream.Stream.concat(all.stream().filter(c -> needsAction(c)),
                all.stream().filter(c -> !needsAction(c))).toList();
        Map<ConnectorId, Div> kept = new LinkedHashMap<>();
        list.removeAll();
        for (MemberConnector c : all) {
            Div card = cards.get(c.id());
            MemberConnector before = shownModels.get(c.id());
            boolean same = card != null && before != null && (before.state() == c.state()
                    || before.state() == MemberConnector.State.CHECKING);
            boolean checkable = c.state() == MemberConnector.State.CONNECTED
                    || c.state() == MemberConnector.State.FAILING || c.state() == MemberConnector.State.NO_SIGN_IN;
            if (!same) {
                card = card(checkable ? c.withState(MemberConnector.State.CHECKING, null, List.of()) : c);
            }
            kept.put(c.id(), card);
            list.add(card);
            if (checkable && (!same || recheck)) {
                startCheck(c.id());
            }
        }
        cards.clear();
        cards.putAll(kept);
        shownModels.keySet().retainAll(kept.keySet());
        shown.keySet().retainAll(kept.keySet());
    }

    private void startCheck(ConnectorId id) {
        UI current = ui;
        connections.check(id, result -> {
            if (current != null) {
                current.access(() -> replace(result));
            }
        });
    }

    private void replace(MemberConnector c) {
        Div old = cards.get(c.id());
        if (old == null) {
            return;
        }
        standing = access.myTools();
        if (shownNow(c).equals(shown.get(c.id()))) {
            // a check that found what the card already shows: the card stays, so a click on it is not lost
            return;
        }
        Div fresh = card(c);
        if (needsAction(c)) {
            // a check found that the member must act: the card moves up, after the others that need action
            list.remove(old);
            int at = 0;
            for (var e : cards.entrySet()) {
                if (e.getValue() != old && e.getValue().getElement().hasAttribute("data-needs-action")
                        && list.indexOf(e.getValue()) >= 0) {
                    at = Math.max(at, list.indexOf(e.getValue()) + 1);
                }
            }
            list.addComponentAtIndex(at, fresh);
        } else {
            list.replace(old, fresh);
        }
        cards.put(c.id(), fresh);
    }

    /** One connector as the member sees it: what it is, its state, what to do, the tools it gives them. */
    private Shown shownNow(MemberConnector c) {
        return new Shown(c, standing == null ? List.of() : standing.tools(c.id()),
                standing != null && standing.offered(c.id()), reconnectRequests.get(c.id()),
                connectorService.serverIcon(c.id()).isPresent());
    }

    private Div card(MemberConnector c) {
        shownModels.put(c.id(), c);
        shown.put(c.id(), shownNow(c));
        Div card = new Div();
        card.addClassName("console-connection-card");
        card.setId("connector-" + c.id());
        if (needsAction(c)) {
            card.getElement().setAttribute("data-needs-action", "");
        }
        card.add(head(c, connectorService.serverIcon(c.id()).orElse(null)));
        Span url = new Span(c.url());
        url.addClassName("console-muted");
        card.add(url);
        addProgressOrHint(card, c);
        addReconnectRequest(card, c);
        if (c.state() == MemberConnector.State.NO_SIGN_IN) {
            Paragraph open = new Paragraph("This server needs no sign-in: its tools work for you as they are.");
            open.addClassName("console-muted");
            open.setId("no-sign-in-" + c.id());
            card.add(open);
        }
        if (c.reason() != null) {
            Paragraph reason = new Paragraph(c.reason());
            reason.addClassName("console-connection-reason");
            card.add(reason);
        }
        addDetails(card, c);
        addTools(card, c);
        if (c.state() == MemberConnector.State.FAILING) {
            Span who = new Span("If this keeps happening, tell an owner of " + me.orgName() + ".");
            who.addClassName("console-muted");
            card.add(who);
        }
        HorizontalLayout actions = actions(c);
        if (actions.getComponentCount() > 0) {
            card.add(actions);
        }
        return card;
    }

    private static HorizontalLayout head(MemberConnector c, org.connectorconsole.base.IconData icon) {
        Span name = new Span(c.name());
        name.addClassName("console-connection-name");
        Span custom = badge("Custom", "contrast");
        Span state = StateBadges.badge(c.state().use());
        state.addClassName("console-connection-state");
        HorizontalLayout head = new HorizontalLayout(org.connectorconsole.base.ui.IconImages.server(icon), name, custom,
                state);
        head.setAlignItems(FlexComponent.Alignment.CENTER);
        head.setSpacing(true);
        return head;
    }

    private static void addProgressOrHint(Div card, MemberConnector c) {
        if (c.state() == MemberConnector.State.CHECKING) {
            ProgressBar bar = new ProgressBar();
            bar.setIndeterminate(true);
            bar.setWidth("12rem");
            card.add(bar);
        }
        if (c.state() == MemberConnector.State.NOT_CONNECTED) {
            Span hint = new Span("Connect takes you to this server's own sign-in page; afterwards your assistant can "
                    + "use its tools on your behalf.");
            hint.addClassName("console-muted");
            card.add(hint);
        }
    }

    /** An owner asked this member to connect or reconnect: say so, and which button does it. */
    private void addReconnectRequest(Div card, MemberConnector c) {
        java.time.Instant asked = reconnectRequests.get(c.id());
        if (asked == null) {
            return;
        }
        boolean never = c.state() == MemberConnector.State.NOT_CONNECTED;
        Paragraph request = new Paragraph("An owner of " + me.orgName() + " asked you " + TimeTexts.ago(asked)
                + (never ? " to connect: use Connect below." : " to reconnect: use "
                        + (c.state() == MemberConnector.State.CONNECTED ? "Disconnect, then Connect"
                                : c.state().action() == null ? "Connect" : c.state().action()) + " below."));
        request.addClassName("console-caution");
        request.setId("reconnect-request-" + c.id());
        card.add(request);
    }

    private static void addDetails(Div card, MemberConnector c) {
        if (c.state() == MemberConnector.State.CONNECTED || c.state() == MemberConnector.State.NEEDS_REAUTH
                || c.state() == MemberConnector.State.FAILING) {
            String details = (c.scopes().isEmpty() ? "No scopes" : "Scopes: " + String.join(" ", c.scopes()))
                    + (c.connectedAt() == null ? "" : " · connected " + TimeTexts.ago(c.connectedAt()));
            Span meta = new Span(details);
            meta.addClassName("console-muted");
            card.add(meta);
        }
        if (c.state() == MemberConnector.State.CONNECTED && c.expiresAt() != null) {
            Span access = new Span(ConnectorUseState.accessLine(TimeTexts.in(c.expiresAt()), c.renews()) + ".");
            access.addClassName(c.renews() ? "console-muted" : "console-caution");
            access.setId("access-" + c.id());
            card.add(access);
        }
    }

    /** Lists longer than this fold into a closed Details. */
    static final int FOLD_AFTER = 5;

    private void addTools(Div card, MemberConnector c) {
        if (c.waitingForReview() > 0) {
            Span waiting = new Span(c.waitingForReview() == 1 ? "1 tool waits for an owner's review before you can "
                    + "use it." : c.waitingForReview() + " tools wait for an owner's review before you can use them.");
            waiting.addClassName("console-muted");
            waiting.setId("waiting-" + c.id());
            card.add(waiting);
        }
        if (c.tools().isEmpty()) {
            return;
        }
        UnorderedList tools = new UnorderedList();
        tools.addClassName("console-tool-list");
        tools.setId("tool-list-" + c.id());
        int usable = 0;
        for (ToolInfo tool : c.tools()) {
            ListItem item = new ListItem(new Span(VisibleText.escape(tool.name())));
            if (tool.description() != null) {
                Span d = new Span(" — " + VisibleText.escape(tool.description()));
                d.addClassName("console-muted");
                item.add(d);
            }
            // what this member may do with it, and why (groups, grants, the organization's ceiling)
            org.connectorconsole.connector.EffectiveMode mode = standing == null ? null
                    : standing.mode(c.id(), tool.name());
            if (mode != null) {
                Span badge = badge(mode.mode().label(), switch (mode.mode()) {
                    case ALLOWED -> "success";
                    case NEEDS_APPROVAL -> "contrast";
                    case BLOCKED -> "error";
                });
                badge.getElement().setAttribute("title", mode.reason());
                Span why = new Span(mode.reason());
                why.addClassName("console-muted");
                why.addClassName("console-tool-mode-reason");
                Div line = new Div(badge, new Span(" "), why);
                line.addClassName("console-tool-mode");
                item.add(line);
                usable += mode.usable() ? 1 : 0;
            } else {
                usable++;
            }
            tools.add(item);
        }
        int all = c.tools().size();
        String summary = usable == all ? (all == 1 ? "1 tool you can use" : all + " tools you can use")
                : all + (all == 1 ? " tool, " : " tools, ") + usable + " of them you can use";
        if (all > FOLD_AFTER) {
            com.vaadin.flow.component.details.Details fold = new com.vaadin.flow.component.details.Details(summary,
                    tools);
            fold.setOpened(false);
            fold.setId("tools-" + c.id());
            card.add(fold);
        } else {
            Span heading = new Span(summary + ":");
            heading.setId("tools-" + c.id());
            card.add(heading, tools);
        }
    }

    private HorizontalLayout actions(MemberConnector c) {
        String action = c.state().action();
        HorizontalLayout actions = new HorizontalLayout();
        if (action != null) {
            Button button = new Button(action);
            button.setId((action.toLowerCase()) + "-" + c.id());
            if (c.state() == MemberConnector.State.CONNECTED) {
                button.addClickListener(e -> confirmDisconnect(c, button));
            } else {
                button.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
                button.addClickListener(e -> connect(c, button));
            }
            actions.add(button);
        }
        if (c.state() == MemberConnector.State.NEEDS_REAUTH || c.state() == MemberConnector.State.FAILING) {
            // a broken connection still holds tokens: the member can end it (and have them revoked)
            Button disconnect = new Button("Disconnect");
            disconnect.setId("disconnect-" + c.id());
            disconnect.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            disconnect.addClickListener(e -> confirmDisconnect(c, disconnect));
            actions.add(disconnect);
        }
        return actions;
    }

    private void connect(MemberConnector c, Button button) {
        button.setEnabled(false);
        button.setText("Opening sign-in…");
        UI current = UI.getCurrent();
        try {
            connections.connectInBackground(c.id(), MemberConnectorsPath.PATH, start -> current.access(() -> {
                if (start.needsBrowser()) {
                    current.getPage().setLocation(start.authorizationUrl());
                } else {
                    Notices.info(ConnectorUseState.NO_SIGN_IN.sentence(c.name()) + " Its tools work for you as they "
                            + "are.");
                    refresh(true);
                }
            }), failure -> current.access(() -> {
                button.setEnabled(true);
                button.setText(c.state().action());
                Notices.error(failure);
            }));
        } catch (RuntimeException e) {
            // turned off or removed since the page opened, or the plan changed: say so and show the list as it is
            Notices.error(e.getMessage());
            refresh(false);
        }
    }

    private void confirmDisconnect(MemberConnector c, Button button) {
        Confirmations.confirm("Disconnect " + c.name() + "?", "Your connection ends and the console asks the "
                + "server to revoke your tokens. Your assistant can no longer use " + c.name() + "'s tools for you "
                + "until you connect again.", "Disconnect", () -> disconnect(c, button));
    }

    private void disconnect(MemberConnector c, Button button) {
        button.setEnabled(false);
        button.setText("Disconnecting…");
        UI current = UI.getCurrent();
        connections.disconnectInBackground(c.id(), done -> current.access(() -> {
            switch (done.outcome()) {
                case REVOKED -> Notices.success(done.message());
                case ENDED_WITHOUT_REVOCATION -> Notices.warning(done.message());
                case NOT_DONE -> Notices.error(done.message());
            }
            refresh(false);
            if (enterpriseNotice.isVisible()) {
                // a connector reached through the organization's sign-in now says it stays disconnected
                connectThroughOrganization();
            }
        }));
    }

    private static Span badge(String text, String theme) {
        Span badge = new Span(text);
        badge.getElement().getThemeList().add("badge small pill " + theme);
        return badge;
    }

}
