package org.connectorconsole.connector.ui;

import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
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
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.ConnectorUseState;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.ui.LivePage;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.base.ui.PagedList;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.checkbox.Checkbox;
import org.connectorconsole.egress.PrivateHostService;
import org.connectorconsole.security.Authorities;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;

/**
 * Organization settings › Connectors (Team/Enterprise owners) or Settings › Connectors (Pro/Max individuals):
 * the list, "Add custom connector" at the bottom, and the private hosts the organization allows.
 */
@Route("connectors")
@PageTitle("Connectors · Connector Console")
@Menu(title = "Connectors", order = 10, icon = "vaadin:connect")
@RolesAllowed(Authorities.OWNER)
class ConnectorsView extends VerticalLayout {

    /** Connectors shown at first and added by each "Show more". */
    static final int PAGE = 50;

    private final ConnectorService connectors;
    private final PrivateHostService privateHosts;
    private final Grid<Connector> grid = new Grid<>(Connector.class, false);
    private final Div empty = new Div();
    private final Paragraph count = new Paragraph();
    private PagedList<Connector> list;
    private final VerticalLayout hostList = new VerticalLayout();

    private final ToolPolicyService toolPolicies;
    private java.util.Map<org.connectorconsole.connector.ConnectorId, Integer> reviews = java.util.Map.of();

    ConnectorsView(ConnectorService connectors, PrivateHostService privateHosts, ToolPolicyService toolPolicies,
            CurrentMember currentMember, org.connectorconsole.security.LiveUpdates live) {
        this.connectors = connectors;
        this.toolPolicies = toolPolicies;
        this.privateHosts = privateHosts;
        PageParts.page(this, "72rem");
        Member me = currentMember.requireOwner();

        Span trail = PageParts.trail(me.plan().isOrganization() ? "Organization settings" : "Settings");
        add(trail, new H2("Connectors"));

        if (connectors.availability() == ConnectorService.Availability.NEEDS_PAID_PLAN) {
            Div card = new Div(new H3("Custom connectors need a paid plan"),
                    new Paragraph("Custom connectors let your assistant use tools on remote MCP servers. They are "
                            + "part of the Pro, Max, Team and Enterprise plans."));
            card.setId("paid-plan-needed");
            card.addClassName("console-empty");
            add(card);
            return;
        }

        Paragraph lead = PageParts.lead(me.plan().isOrganization()
                ? "Connectors you add here are available to every member of " + me.orgName()
                        + "; each member connects with their own sign-in."
                : "Connectors you add here are yours; you connect to them with your own sign-in.");
        add(lead);

        configureGrid();

        empty.setId("connectors-empty");
        empty.addClassName("console-empty");
        empty.add(new H3("No custom connectors yet"), new Paragraph("Add the URL of a remote MCP server to give "
                + (me.plan().isOrganization() ? "your organization's" : "your") + " assistant new tools. The console "
                + "checks the server and shows what it offers before anyone uses it."));

        Button add = new Button("Add custom connector", VaadinIcon.PLUS.create(),
                e -> new ConnectorFormDialog(connectors, null, saved -> {
                    Notices.success(saved.name() + " is added. Checking the server…");
                    getUI().ifPresent(ui -> ui.navigate(ConnectorView.class,
                            new com.vaadin.flow.router.RouteParameters("id", saved.id().toString())));
                }).open());
        add.setId("add-connector");
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        list = new PagedList<>(grid, "connector", "connectors", "Search by name or URL", PAGE, connectors::page,
                Connector::id, text -> "No connector's name or URL contains \u201c" + text + "\u201d.");
        count.setId("connector-count");
        count.addClassName("console-muted");
        HorizontalLayout tools = new HorizontalLayout(list.searchField(), count);
        tools.setAlignItems(FlexComponent.Alignment.BASELINE);

        add(tools, grid, list.noMatch(), list.moreButton(), empty, add, toolRulesSection(), privateHostsSection());
        refresh();
        // changes by another owner, a check finishing, tools held for review, members connecting (the counts): on
        // any instance, without a reload
        LivePage.refreshOn(this, live::subscribe, java.util.EnumSet.of(LiveTopic.CONNECTORS, LiveTopic.TOOLS,
                LiveTopic.CONNECTIONS), this::refresh);
    }

    /** The list of connectors: name with its Custom badge, URL, state, members connected, last check, reviews. */
    private void configureGrid() {
        grid.setId("connectors");
        grid.addComponentColumn(c -> {
            HorizontalLayout cell = new HorizontalLayout(
                    org.connectorconsole.base.ui.IconImages.server(connectors.serverIcon(c.id()).orElse(null)),
                    new Span(c.name()), Badges.custom());
            cell.setAlignItems(FlexComponent.Alignment.CENTER);
            cell.setSpacing(true);
            cell.addClassName("console-name-cell");
            return cell;
        }).setHeader("Name").setFlexGrow(2).setWidth("16rem");
        grid.addColumn(Connector::url).setHeader("URL").setFlexGrow(3);
        grid.addComponentColumn(Badges::state).setKey("state").setHeader("State").setAutoWidth(true);
        // nobody connects to a server that needs no sign-in: no count that reads as "nobody uses it"
        grid.addColumn(c -> c.useState() == ConnectorUseState.NO_SIGN_IN ? "—" : c.connectedMembers() == 1
                ? "1 member" : c.connectedMembers() + " members").setKey("connected")
                .setHeader(ConnectorUseState.CONNECTED.label()).setAutoWidth(true);
        grid.addColumn(c -> c.lastCheck() == null ? "never" : TimeTexts.ago(c.lastCheck().checkedAt()))
                .setHeader("Last check").setAutoWidth(true);
        grid.addComponentColumn(c -> {
            int held = reviews.getOrDefault(c.id(), 0);
            Span badge = new Span(held == 0 ? "" : held + " to review");
            if (held > 0) {
                badge.getElement().getThemeList().add("badge small pill error");
            }
            return badge;
        }).setHeader("Tools").setAutoWidth(true);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ConnectorView.class,
                new com.vaadin.flow.router.RouteParameters("id", e.getItem().id().toString()))));
    }

    private void refresh() {
        reviews = toolPolicies.pendingReviews();
        int total = connectors.count();
        count.setText(total == 1 ? "1 connector" : total + " connectors");
        list.searchField().setVisible(total > 0);
        count.setVisible(total > 0);
        empty.setVisible(total == 0);
        list.reload();
    }

    private Details toolRulesSection() {
        ToolSettings current = toolPolicies.settings();
        RadioButtonGroup<ToolSettings.NewTools> newTools = new RadioButtonGroup<>("When a server offers a new tool");
        newTools.setId("new-tools");
        newTools.setItems(ToolSettings.NewTools.values());
        newTools.setItemLabelGenerator(ToolSettings.NewTools::label);
        newTools.setValue(current.newTools());
        Checkbox record = new Checkbox("Record full arguments and results of tool calls in the audit log");
        record.setId("record-payloads");
        record.setValue(current.recordPayloads());
        Paragraph help = new Paragraph("Changed tools are always held for your review. Without full recording, "
                + "the audit log keeps each call's arguments and result as a size and a SHA-256 only: enough to "
                + "prove what was sent, without copying members' data into the log.");
        help.addClassName("console-muted");
        int[] version = {current.version()};
        Button save = new Button("Save tool rules", e -> {
            try {
                ToolSettings saved = toolPolicies.updateSettings(newTools.getValue(), record.getValue(), version[0]);
                version[0] = saved.version();
                Notices.success("Tool rules saved.");
            } catch (ValidationException | org.connectorconsole.base.ConflictException ex) {
                Notices.error(ex.getMessage());
            }
        });
        save.setId("save-tool-rules");
        Details details = new Details("Tool rules", new VerticalLayout(newTools, record, help, save));
        details.setId("tool-rules");
        return details;
    }

    private Details privateHostsSection() {
        TextField host = new TextField();
        host.setId("private-host");
        host.setPlaceholder("mcp.intranet.example");
        host.setManualValidation(true);
        host.setWidth("20rem");
        Button allow = new Button("Allow", e -> {
            FieldErrors.clear(host);
            try {
                privateHosts.allow(host.getValue());
                host.clear();
                refreshHosts();
                Notices.success("Connectors may now reach the private addresses of that host.");
            } catch (ValidationException ex) {
                FieldErrors.show(ex, Map.of("host", host));
            }
        });
        allow.setId("allow-private-host");
        Paragraph help = new Paragraph("By default the console calls only public addresses. To use an MCP server "
                + "inside your network, allow its host name here: it may then resolve to a private address "
                + "(10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10). This machine, link-local and cloud metadata "
                + "addresses stay refused. Every change is recorded in the audit log.");
        help.addClassName("console-muted");
        HorizontalLayout form = new HorizontalLayout(host, allow);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        hostList.setPadding(false);
        hostList.setSpacing(false);
        refreshHosts();
        Details details = new Details("Private hosts", new VerticalLayout(help, hostList, form));
        details.setId("private-hosts");
        return details;
    }

    private void refreshHosts() {
        hostList.removeAll();
        List<String> hosts = privateHosts.list();
        if (hosts.isEmpty()) {
            hostList.add(new Text("No private hosts are allowed."));
        }
        for (String h : hosts) {
            Button remove = new Button("Remove", e -> Confirmations.confirm("Stop allowing " + h + "?",
                    "Connectors can then no longer reach the private addresses of " + h + "; connectors on it stop "
                            + "working.", "Remove", () -> {
                        try {
                            privateHosts.remove(h);
                            Notices.success(h + " is no longer allowed.");
                        } catch (NotFoundException ex) {
                            Notices.error(ex.getMessage());
                        }
                        refreshHosts();
                    }));
            remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            HorizontalLayout row = new HorizontalLayout(new Span(h), remove);
            row.setAlignItems(FlexComponent.Alignment.CENTER);
            hostList.add(row);
        }
    }
}
