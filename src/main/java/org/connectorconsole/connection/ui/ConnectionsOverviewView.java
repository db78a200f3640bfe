package org.connectorconsole.connection.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.ArrayList;
import java.util.List;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.base.ui.StateBadges;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.connection.ConnectionOverview;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.connection.OverviewState;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.security.Authorities;

/**
 * Organization settings › Connections: every connector × member with the connection's state, scopes, token expiry
 * and last use (any tool call, whatever the sign-in kind), so an owner sees at a glance who is silently broken; and asks them to reconnect.
 */
@Route("organization/connections")
@PageTitle("Connections · Connector Console")
@Menu(title = "Connections", order = 45, icon = "vaadin:connect-o")
@RolesAllowed(Authorities.ORG_OWNER)
class ConnectionsOverviewView extends VerticalLayout {

    static final int PAGE = 50;

    private final ConnectionOverviewService overview;
    private final Grid<ConnectionOverview.Row> grid = new Grid<>(ConnectionOverview.Row.class, false);
    private final TextField member = new TextField();
    private final Select<Connector> connector = new Select<>();
    private final Select<OverviewState> state = new Select<>();
    private final Button more = new Button("Show more");
    private final Div empty = new Div();
    private final Div facts = new Div();
    private final List<ConnectionOverview.Row> rows = new ArrayList<>();
    private ConnectionOverview.Cursor next;

    ConnectionsOverviewView(ConnectionOverviewService overview, ConnectorService connectors,
            org.connectorconsole.security.LiveUpdates live) {
        this.overview = overview;
        org.connectorconsole.base.ui.LivePage.refreshOn(this, live::subscribe, java.util.EnumSet.of(
                org.connectorconsole.base.LiveTopic.CONNECTORS, org.connectorconsole.base.LiveTopic.CONNECTIONS, org.connectorconsole.base.LiveTopic.TOOL_CALLS, org.connectorconsole.base.LiveTopic.MEMBERS), this::liveReload);
        PageParts.page(this, null);
        Span trail = PageParts.trail("Organization settings");
        Paragraph lead = PageParts.lead("Every member's connection to every enabled connector. Tokens are never "
                + "shown; ask a member to reconnect when their connection needs it.");
        facts.addClassName("console-facts");
        facts.setId("overview-counts");

        member.setPlaceholder("Name or e-mail address");
        member.setLabel("Member");
        member.setClearButtonVisible(true);
        member.setMaxLength(ConnectionOverviewService.MAX_MEMBER_FILTER);
        member.setValueChangeMode(ValueChangeMode.LAZY);
        member.setId("overview-member");
        member.addValueChangeListener(e -> reload());
        List<Connector> all = connectors.list().stream().filter(Connector::enabled).toList();
        connector.setLabel("Connector");
        connector.setEmptySelectionAllowed(true);
        connector.setEmptySelectionCaption("All connectors");
        connector.setItems(all);
        connector.setItemLabelGenerator(c -> c == null ? "All connectors" : c.name());
        connector.setId("overview-connector");
        connector.addValueChangeListener(e -> reload());
        state.setLabel("State");
        state.setEmptySelectionAllowed(true);
        state.setEmptySelectionCaption("Any state");
        state.setItems(OverviewState.values());
        state.setItemLabelGenerator(s -> s == null ? "Any state" : s.label());
        state.setId("overview-state");
        state.addValueChangeListener(e -> reload());
        HorizontalLayout filters = new HorizontalLayout(member, connector, state);
        filters.addClassName("console-filter-bar");
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);

        grid.setId("connections-overview");
        grid.addComponentColumn(r -> {
            Span name = new Span(r.memberName());
            Span email = new Span(r.memberEmail());
            email.addClassName("console-muted");
            VerticalLayout who = new VerticalLayout(name, email);
            who.setPadding(false);
            who.setSpacing(false);
            return who;
        }).setHeader("Member").setFlexGrow(5);
        grid.addColumn(ConnectionOverview.Row::connectorName).setHeader("Connector").setFlexGrow(2);
        grid.addComponentColumn(ConnectionsOverviewView::stateBadge).setKey("state").setHeader("State")
                .setWidth("12rem").setFlexGrow(1); // a state badge stays on one line (StateBadges): room for the longest
        grid.addColumn(r -> r.scopes().isEmpty() ? "—" : String.join(" ", r.scopes())).setHeader("Scopes")
                .setFlexGrow(1);
        grid.addColumn(r -> r.expiresAt() == null ? "—" : TimeTexts.in(r.expiresAt())).setHeader("Token expires")
                .setFlexGrow(1);
        grid.addColumn(r -> r.lastUsedAt() == null ? "never" : TimeTexts.ago(r.lastUsedAt()))
                .setHeader("Last use").setFlexGrow(1);
        grid.addComponentColumn(this::action).setKey("action").setHeader("").setAutoWidth(true).setFlexGrow(0);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);

        more.setId("overview-more");
        more.addClickListener(e -> load());
        empty.setId("overview-empty");
        empty.addClassName("console-empty");

        add(trail, new H2("Connections"), lead, facts, filters, grid, empty, more);
        if (all.isEmpty()) {
            grid.setVisible(false);
            filters.setVisible(false);
            more.setVisible(false);
            empty.add(new H3("No connectors yet"), new Paragraph("Add a connector under Connectors; this page then "
                    + "shows each member's connection to it."));
            return;
        }
        reload();
    }

    /** Another member's connection or use changed: the counts and the first page again (if there are connectors). */
    private void liveReload() {
        if (facts.getChildren().findAny().isPresent()) {
            reload();
        }
    }

    private void reload() {
        rows.clear();
        next = null;
        ConnectionOverview.Counts counts = overview.counts();
        facts.removeAll();
        for (OverviewState s : OverviewState.values()) {
            Span label = new Span(s.label());
            label.addClassName("console-fact-label");
            Span value = new Span(Long.toString(counts.of(s)));
            value.addClassName("console-fact-value");
            Div fact = new Div(label, value);
            fact.addClassName("console-fact");
            fact.setId("count-" + s.name().toLowerCase());
            facts.add(fact);
        }
        load();
    }

    private void load() {
        ConnectionOverview.Filter filter = new ConnectionOverview.Filter(member.getValue(),
                connector.getValue() == null ? null : connector.getValue().id(), state.getValue());
        ConnectionOverview.Page page = overview.page(filter, next, PAGE);
        rows.addAll(page.rows());
        next = page.next();
        grid.setItems(rows);
        grid.setVisible(!rows.isEmpty());
        more.setVisible(page.hasMore());
        empty.removeAll();
        empty.setVisible(rows.isEmpty());
        if (rows.isEmpty()) {
            empty.add(new H3("No connections match"), new Paragraph("Nothing matches these filters. Clear a filter "
                    + "to see more."));
        }
    }

    private Component action(ConnectionOverview.Row r) {
        if (r.state() == OverviewState.NO_SIGN_IN) {
            return new Span(); // nothing to ask: the server needs no sign-in
        }
        if (r.reconnectRequestedAt() != null) {
            Span asked = new Span("Asked " + TimeTexts.ago(r.reconnectRequestedAt()));
            asked.addClassName("console-muted");
            return asked;
        }
        Button ask = new Button(r.state() == OverviewState.NEVER_CONNECTED ? "Ask to connect" : "Ask to reconnect");
        ask.setId("ask-" + r.userId() + "-" + r.connectorId());
        ask.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        ask.addClickListener(e -> {
            try {
                overview.requestReconnect(r.connectorId(), r.userId());
                Notices.success(r.memberName() + " will see your request on their connectors page.");
                int i = rows.indexOf(r);
                if (i >= 0) {
                    rows.set(i, new ConnectionOverview.Row(r.userId(), r.memberName(), r.memberEmail(),
                            r.connectorId(), r.connectorName(), r.state(), r.reason(), r.scopes(), r.expiresAt(),
                            r.lastUsedAt(), java.time.Instant.now()));
                    grid.getDataProvider().refreshAll();
                }
            } catch (RuntimeException ex) {
                Notices.error(ex.getMessage());
            }
        });
        return ask;
    }

    private static Span stateBadge(ConnectionOverview.Row r) {
        Span badge = StateBadges.badge(r.state().use());
        if (r.reason() != null) {
            badge.setTitle(r.reason());
        }
        return badge;
    }
}
