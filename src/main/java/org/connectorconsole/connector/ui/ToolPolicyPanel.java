package org.connectorconsole.connector.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import java.util.List;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;

/**
 * The owner's control of one connector's tools: each tool's policy, and the review of new and changed tools with
 * a readable diff against the pinned definition. Tools held for review are listed first.
 */
class ToolPolicyPanel extends VerticalLayout {

    private final ToolPolicyService policies;
    private final ConnectorId connectorId;
    private final Grid<ConnectorTool> grid = new Grid<>(ConnectorTool.class, false);
    private final Paragraph empty = new Paragraph();
    private final Paragraph summary = new Paragraph();
    private final Button approveAllNew = new Button("Approve all new tools");

    ToolPolicyPanel(ToolPolicyService policies, ConnectorId connectorId) {
        this.policies = policies;
        this.connectorId = connectorId;
        setPadding(false);
        setId("tool-policies");
        Paragraph lead = new Paragraph("The console pins each tool's name, description and input schema. When the "
                + "server changes a tool or adds one, the change waits here for your review, and a changed tool "
                + "cannot be called until you approve it. Each tool's setting is the organization's ceiling for it: "
                + "no group's grant exceeds it (see \"Who may use it\" below).");
        lead.addClassName("console-muted");
        summary.setId("tool-review-summary");
        approveAllNew.setId("approve-all-new");
        approveAllNew.addClickListener(e -> {
            try {
                int count = policies.approveAllNew(connectorId);
                Notices.success(count == 1 ? "1 new tool approved." : count + " new tools approved.");
            } catch (ConflictException | NotFoundException ex) {
                Notices.error(ex.getMessage() + " The list shows what is approved now.");
            }
            refresh();
        });
        HorizontalLayout bar = new HorizontalLayout(summary, approveAllNew);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        empty.setId("tool-policies-empty");
        empty.addClassName("console-muted");
        empty.setText("No tools yet. Tools appear here once the console has listed them: check the connector (for a "
                + "server without sign-in), or connect to it yourself under Your connectors.");
        grid.setId("tool-policy-grid");
        grid.addComponentColumn(this::describe).setHeader("Tool").setFlexGrow(1).setWidth("14rem");
        grid.addComponentColumn(this::review).setHeader("Review").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(this::policy).setHeader("Ceiling").setAutoWidth(true).setFlexGrow(0);
        grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT, GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        add(new H3("Tool policies"), lead, bar, empty, grid);
        refresh();
    }

    void refresh() {
        List<ConnectorTool> tools = policies.tools(connectorId);
        grid.setItems(tools);
        grid.setVisible(!tools.isEmpty());
        empty.setVisible(tools.isEmpty());
        long fresh = tools.stream().filter(t -> t.review() == ConnectorTool.Review.NEW).count();
        long changed = tools.stream().filter(t -> t.review() == ConnectorTool.Review.CHANGED).count();
        summary.setText(tools.isEmpty() ? "" : fresh + changed == 0 ? "All " + tools.size() + " tools reviewed."
                : (fresh > 0 ? fresh + " new" : "") + (fresh > 0 && changed > 0 ? " and " : "")
                        + (changed > 0 ? changed + " changed" : "") + " waiting for your review.");
        approveAllNew.setVisible(fresh > 0);
    }

    private Div describe(ConnectorTool tool) {
        Span name = new Span(tool.name());
        name.addClassName("console-tool-name");
        Div cell = new Div(name);
        String description = tool.shown().description();
        if (description != null && !description.isBlank()) {
            Span text = new Span(description.length() > 300 ? description.substring(0, 300) + "…" : description);
            text.addClassName("console-muted");
            cell.add(new Div(text));
        }
        return cell;
    }

    private HorizontalLayout review(ConnectorTool tool) {
        Span badge = new Span(tool.review().label());
        badge.getElement().getThemeList().add("badge small pill " + (tool.review() == ConnectorTool.Review.APPROVED
                ? "success" : "error"));
        HorizontalLayout cell = new HorizontalLayout(badge);
        cell.setAlignItems(FlexComponent.Alignment.CENTER);
        if (tool.review() != ConnectorTool.Review.APPROVED) {
            Button open = new Button("Review");
            open.setId("review-" + tool.name());
            open.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_PRIMARY);
            open.addClickListener(e -> openReview(tool));
            cell.add(open);
        }
        return cell;
    }

    private Select<ToolPolicy> policy(ConnectorTool tool) {
        Select<ToolPolicy> select = new Select<>();
        select.setId("policy-" + tool.name());
        select.setItems(ToolPolicy.values());
        select.setItemLabelGenerator(ToolPolicy::label);
        select.setValue(tool.policy());
        select.setAriaLabel("Policy for " + tool.name());
        select.setWidth("11rem");
        select.addValueChangeListener(e -> {
            if (!e.isFromClient() || e.getValue() == null) {
                return;
            }
            try {
                policies.setPolicy(connectorId, tool.name(), e.getValue(), tool.version());
                Notices.success(tool.name() + ": " + e.getValue().label() + ".");
            } catch (ConflictException | NotFoundException ex) {
                Notices.error(ex.getMessage());
            }
            refresh();
        });
        return select;
    }

    private void openReview(ConnectorTool tool) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle((tool.review() == ConnectorTool.Review.NEW ? "New tool: " : "Changed tool: ")
                + tool.name());
        dialog.setWidth("min(56rem, 95vw)");
        Paragraph what = new Paragraph(tool.review() == ConnectorTool.Review.NEW
                ? "The server offers a tool the console has not seen before"
                        + (tool.pendingSince() == null ? "." : " (since " + TimeTexts.ago(tool.pendingSince()) + ").")
                        + " Read what it says it does and what it takes before members can use it."
                : "The server changed this tool" + (tool.pendingSince() == null ? "" : " "
                        + TimeTexts.ago(tool.pendingSince())) + ". Until you approve, members cannot call it. Lines "
                        + "starting with - are what you approved; + is what the server offers now.");
        Pre diff = new Pre();
        diff.setId("tool-diff");
        // the diff scrolls inside its box: keyboard users can focus it and scroll it
        diff.getElement().setAttribute("tabindex", "0");
        diff.getElement().setAttribute("role", "region");
        diff.getElement().setAttribute("aria-label", "The tool's definition");
        diff.addClassName("console-diff");
        diff.setText(ToolPolicyService.diff(tool));
        Button approve = new Button(tool.review() == ConnectorTool.Review.NEW ? "Approve tool" : "Approve change",
                e -> {
                    try {
                        policies.approve(connectorId, tool.name(), tool.version());
                        Notices.success(tool.name() + " approved; members can use it under its policy ("
                                + tool.policy().label().toLowerCase() + ").");
                    } catch (ConflictException | NotFoundException ex) {
                        Notices.error(ex.getMessage());
                    }
                    dialog.close();
                    refresh();
                });
        approve.setId("approve-tool");
        approve.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button block = new Button("Block tool", e -> {
            try {
                policies.setPolicy(connectorId, tool.name(), ToolPolicy.BLOCKED, tool.version());
                Notices.success(tool.name() + " is blocked.");
            } catch (ConflictException | NotFoundException ex) {
                Notices.error(ex.getMessage());
            }
            dialog.close();
            refresh();
        });
        block.setId("block-tool");
        block.addThemeVariants(ButtonVariant.LUMO_ERROR);
        Button later = new Button("Decide later", e -> dialog.close());
        dialog.add(what, diff);
        dialog.getFooter().add(later, block, approve);
        dialog.open();
    }
}
