package org.connectorconsole.connector.ui;

import org.connectorconsole.base.VisibleText;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.DoctorStep;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.security.Authorities;

/**
 * One connector: the connection doctor's steps (live while a check runs), the tools the server offers, and the
 * owner's actions. Opening it right after "Add" starts a check.
 */
@Route("connectors/:id")
@PageTitle("Connector · Connector Console")
@RolesAllowed(Authorities.OWNER)
class ConnectorView extends VerticalLayout implements BeforeEnterObserver {

    private final ConnectorService connectors;
    private Connector connector;
    private final H2 title = new H2();
    private final com.vaadin.flow.component.html.Span serverIcon = new com.vaadin.flow.component.html.Span();
    private final Span urlText = new Span();
    private final HorizontalLayout badges = new HorizontalLayout();
    private final Button edit = new Button("Edit", VaadinIcon.EDIT.create());
    private final Button toggle = new Button();
    private final Button check = new Button("Check again", VaadinIcon.REFRESH.create());
    private final Button remove = new Button("Remove", VaadinIcon.TRASH.create());
    private final VerticalLayout steps = new VerticalLayout();
    private final Div checking = new Div();
    private final Paragraph checkedAt = new Paragraph();
    private final Grid<ToolInfo> tools = new Grid<>(ToolInfo.class, false);
    private final Paragraph toolsEmpty = new Paragraph();
    private boolean running;
    private UI ui;

    private final ToolPolicyService toolPolicies;
    private ToolPolicyPanel policyPanel;

    private final org.connectorconsole.connector.ConnectorAccessService access;
    private final org.connectorconsole.group.GroupService groups;
    private final org.connectorconsole.organization.OrganizationService organizations;
    private final org.connectorconsole.security.CurrentMember currentMember;

    ConnectorView(ConnectorService connectors, ToolPolicyService toolPolicies,
            org.connectorconsole.connector.ConnectorAccessService access,
            org.connectorconsole.group.GroupService groups,
            org.connectorconsole.organization.OrganizationService organizations,
            org.connectorconsole.security.CurrentMember currentMember,
            org.connectorconsole.security.LiveUpdates live) {
        this.access = access;
        this.groups = groups;
        this.organizations = organizations;
        this.currentMember = currentMember;
        this.connectors = connectors;
        this.toolPolicies = toolPolicies;
        PageParts.page(this, "72rem");

        Anchor back = new Anchor("connectors", "← All connectors");
        back.addClassName("console-trail");
        badges.setSpacing(true);
        HorizontalLayout heading = new HorizontalLayout(serverIcon, title, badges);
        heading.addClassName("console-title-row");
        heading.setAlignItems(FlexComponent.Alignment.CENTER);
        urlText.addClassName("console-url");
        urlText.setId("connector-url-text");

        edit.setId("edit-connector");
        edit.addClickListener(e -> new ConnectorFormDialog(connectors, connector, saved -> {
            Notices.success("Saved.");
            boolean urlChanged = !saved.url().equals(connector.url());
            show(saved);
            if (urlChanged) {
                startCheck();
            }
        }).open());
        toggle.setId("toggle-connector");
        toggle.addClickListener(e -> {
            try {
                show(connectors.setEnabled(connector.id(), connector.version(), !connector.enabled()));
                Notices.success(connector.enabled() ? connector.name() + " is turned on."
                        : connector.name() + " is turned off: calls running now were stopped, members cannot use "
                                + "it until it is turned on again, and their connections have ended.");
            } catch (ConflictException ex) {
                Notices.error(ex.getMessage());
            }
        });
        check.setId("check-connector");
        check.addClickListener(e -> startCheck());
        remove.setId("remove-connector");
        remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
        remove.addClickListener(e -> confirmRemoval());
        HorizontalLayout actions = new HorizontalLayout(edit, toggle, check, remove);
        actions.setSpacing(true);

        ProgressBar progress = new ProgressBar();
        progress.setIndeterminate(true);
        progress.setWidth("12rem");
        checking.add(new Span("Checking the server… "), progress);
        checking.setId("doctor-running");
        checking.addClassName("console-checking");
        checking.setVisible(false);
        steps.setId("doctor-steps");
        steps.setPadding(false);
        steps.setSpacing(false);
        checkedAt.addClassName("console-muted");

        tools.setId("tools");
        tools.addColumn(t -> VisibleText.escape(t.name())).setHeader("Tool").setAutoWidth(true).setFlexGrow(0);
        tools.addColumn(t -> t.description() == null ? "" : VisibleText.escape(t.description())).setHeader("Description").setFlexGrow(1);
        tools.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT, GridVariant.LUMO_ROW_STRIPES);
        tools.setAllRowsVisible(true);
        toolsEmpty.setId("tools-empty");
        toolsEmpty.addClassName("console-muted");

        add(back, heading, urlText, actions, new H3("Connection doctor"), checking, steps, checkedAt,
                new H3("Tools"), toolsEmpty, tools);
        org.connectorconsole.base.ui.LivePage.refreshOn(this, live::subscribe, java.util.EnumSet.of(
                org.connectorconsole.base.LiveTopic.CONNECTORS, org.connectorconsole.base.LiveTopic.TOOLS),
                this::liveRefresh);
    }

    /** Another owner's change, a check or a tool listing elsewhere: re-read the connector and its tools. */
    private void liveRefresh() {
        if (connector == null) {
            return;
        }
        try {
            show(connectors.get(connector.id()));
            if (policyPanel != null) {
                policyPanel.refresh();
            }
        } catch (NotFoundException e) {
            String name = connector.name();
            getUI().ifPresent(u -> u.navigate(ConnectorsView.class));
            Notices.error(name + " was removed.");
        } catch (org.springframework.security.access.AccessDeniedException e) {
            // no longer allowed (role changed, signed out): the next navigation says so
        }
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        ConnectorId id = event.getRouteParameters().get("id").flatMap(ConnectorId::parse)
                .orElseThrow(() -> new NotFoundException("There is no such connector."));
        show(connectors.get(id));
        if (policyPanel == null) {
            policyPanel = new ToolPolicyPanel(toolPolicies, id);
            add(policyPanel);
            add(new AccessPanel(access, groups, toolPolicies, organizations, id,
                    currentMember.require().plan().isOrganization()));
        }
        if (connector.lastCheck() == null && connector.enabled()) {
            startCheck();
        }
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        ui = attachEvent.getUI();
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        ui = null;
    }

    private void show(Connector c) {
        this.connector = c;
        title.setText(c.name());
        serverIcon.removeAll();
        serverIcon.add(org.connectorconsole.base.ui.IconImages.server(connectors.serverIcon(c.id()).orElse(null)));
        serverIcon.setId("connector-server-icon");
        urlText.setText(c.url());
        badges.removeAll();
        badges.add(Badges.custom(), Badges.state(c));
        toggle.setText(c.enabled() ? "Turn off" : "Turn on");
        toggle.setIcon(c.enabled() ? VaadinIcon.BAN.create() : VaadinIcon.CHECK.create());
        if (!running) {
            showDiagnosis(c.lastCheck());
        }
    }

    private void showDiagnosis(Diagnosis d) {
        steps.removeAll();
        if (d == null) {
            checkedAt.setText("Not checked yet.");
            showTools(List.of(), "Run the check to see the tools this server offers.");
            return;
        }
        d.steps().forEach(this::addStep);
        checkedAt.setText(d.outcome().label() + " · checked " + org.connectorconsole.base.ui.TimeTexts.ago(d.checkedAt())
                + (d.transport() == null ? "" : " · " + d.transport())
                + (d.protocolVersion() == null ? "" : " · MCP " + d.protocolVersion()));
        String emptyText = switch (d.outcome()) {
            case READY -> "The server offers no tools.";
            case SIGN_IN_REQUIRED -> "This server needs each member's own sign-in, so the check cannot list its "
                    + "tools. Once a member connects, the tools their connection lists appear under Tool policies.";
            case FAILED -> "No tools: the check did not get that far. Fix the failed step above, then check again.";
        };
        showTools(d.tools(), emptyText);
    }

    private void showTools(List<ToolInfo> list, String emptyText) {
        tools.setItems(list);
        tools.setVisible(!list.isEmpty());
        toolsEmpty.setText(emptyText);
        toolsEmpty.setVisible(list.isEmpty());
    }

    private void addStep(DoctorStep step) {
        Icon icon = switch (step.status()) {
            case PASSED -> VaadinIcon.CHECK_CIRCLE.create();
            case WARNING -> VaadinIcon.WARNING.create();
            case FAILED -> VaadinIcon.CLOSE_CIRCLE.create();
            case SKIPPED -> VaadinIcon.MINUS_CIRCLE.create();
        };
        icon.addClassName("console-step-icon");
        icon.addClassName("console-step-" + step.status().name().toLowerCase());
        Span titleText = new Span(step.title());
        titleText.addClassName("console-step-title");
        // a step quotes what the server sent (its name, version, addresses): shown with hidden characters written out
        Span seen = new Span(step.seen() == null ? "" : VisibleText.escape(step.seen()));
        seen.addClassName("console-step-seen");
        Div text = new Div(titleText, seen);
        if (step.advice() != null) {
            Span advice = new Span(VisibleText.escape(step.advice()));
            advice.addClassName("console-step-advice");
            text.add(advice);
        }
        text.addClassName("console-step-text");
        HorizontalLayout row = new HorizontalLayout(icon, text);
        row.addClassName("console-step");
        row.getElement().setAttribute("data-step", step.key());
        row.getElement().setAttribute("data-status", step.status().name());
        steps.add(row);
    }

    private void startCheck() {
        if (running) {
            return;
        }
        running = true;
        steps.removeAll();
        checking.setVisible(true);
        check.setEnabled(false);
        checkedAt.setText("");
        showTools(List.of(), "Waiting for the check…");
        UI current = UI.getCurrent();
        connectors.startCheck(connector.id(),
                step -> push(current, () -> addStep(step)),
                diagnosis -> push(current, () -> {
                    running = false;
                    checking.setVisible(false);
                    check.setEnabled(true);
                    try {
                        show(connectors.get(connector.id()));
                        if (policyPanel != null) {
                            policyPanel.refresh();
                        }
                    } catch (NotFoundException | org.springframework.security.access.AccessDeniedException e) {
                        // removed meanwhile, or the person is no longer allowed (signed out, role changed): the
                        // result in hand is all there is to show
                        showDiagnosis(diagnosis);
                    }
                }));
    }

    private static void push(UI target, Runnable change) {
        try {
            target.access(change::run);
        } catch (UIDetachedException e) {
            // the person left the page; the stored result is waiting for them
        }
    }

    private void confirmRemoval() {
        int connected = connector.connectedMembers();
        String text = (connected == 0 ? "Every member's connection to it ends"
                : "Every member's connection to it ends (" + connected + (connected == 1 ? " member is" : " members are")
                        + " connected; their tokens are revoked)")
                + ", and the assistant can no longer use its tools in any "
                + "conversation. This cannot be undone; adding it again means every member connects again.";
        Confirmations.confirm("Remove " + connector.name() + "?", text, "Remove connector", () -> {
            try {
                connectors.remove(connector.id(), connector.version());
                Notices.success(connector.name() + " is removed.");
                getUI().ifPresent(u -> u.navigate(ConnectorsView.class));
            } catch (ConflictException ex) {
                Notices.error(ex.getMessage());
            }
        }).setId("confirm-remove");
    }
}
