package org.connectorconsole.connector.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import java.util.ArrayList;
import java.util.List;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.VisibleText;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.connector.ConnectorAccessService;
import org.connectorconsole.connector.ConnectorAccessService.AccessSettings;
import org.connectorconsole.connector.ConnectorAccessService.GroupGrant;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.MemberTools;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupService;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.organization.OrganizationService;

/**
 * A connector's "Who may use it" section: everyone or chosen groups, the organization's ceiling, what everyone
 * gets, the read-only setting, each group's grants, and why a chosen member gets what they get. Groups, grants and
 * the explanation are for Team and Enterprise organizations.
 */
class AccessPanel extends VerticalLayout {

    private static final String EVERYONE = "Everyone in the organization";
    private static final String CHOSEN = "Only members of chosen groups";
    private static final String WHOLE = "(whole connector)";

    private final ConnectorAccessService access;
    private final GroupService groups;
    private final ToolPolicyService tools;
    private final OrganizationService organizations;
    private final ConnectorId id;
    private final boolean organization;
    private AccessSettings settings;

    private final RadioButtonGroup<String> audience = new RadioButtonGroup<>("Who may use it");
    private final MultiSelectComboBox<Group> audienceGroups = new MultiSelectComboBox<>("Groups");
    private final Select<ToolPolicy> ceiling = new Select<>();
    private final Select<ToolPolicy> everyone = new Select<>();
    private final Checkbox readOnly = new Checkbox("Allow tools the server marks read-only (readOnlyHint), under "
            + "the ceiling");
    private final Grid<GroupGrant> grants = new Grid<>(GroupGrant.class, false);
    private final Paragraph noGrants = new Paragraph("No group has a grant of its own: everyone who may use it gets "
            + "what \"Everyone\" says, capped by the ceiling.");

    AccessPanel(ConnectorAccessService access, GroupService groups, ToolPolicyService tools,
            OrganizationService organizations, ConnectorId id, boolean organization) {
        this.access = access;
        this.groups = groups;
        this.tools = tools;
        this.organizations = organizations;
        this.id = id;
        this.organization = organization;
        setId("connector-access");
        setPadding(false);
        add(new H3("Who may use it and how"));
        Paragraph lead = new Paragraph("A member's mode for a tool is the most permissive of what everyone gets, "
                + "their groups' grants and the read-only setting, then capped by the organization's ceiling (the "
                + "lower of this connector's ceiling and the tool's own). A tool held for review stays unusable, and "
                + "Disable stops every call at once.");
        lead.addClassName("console-muted");
        add(lead);
        settings = access.settings(id);
        if (organization) {
            addAudience();
        }
        addRules();
        if (organization) {
            addGrants();
            addExplanation();
        }
        show(settings);
    }

    private void addAudience() {
        audience.setId("access-audience");
        audience.setItems(EVERYONE, CHOSEN);
        audienceGroups.setId("access-groups");
        audienceGroups.setItemLabelGenerator(Group::name);
        audienceGroups.setItems(groups.list());
        audienceGroups.setWidth("24rem");
        audience.addValueChangeListener(e -> audienceGroups.setEnabled(CHOSEN.equals(e.getValue())));
        Button save = new Button("Save who may use it", e -> {
            try {
                show(access.setAudience(id, EVERYONE.equals(audience.getValue()),
                        new ArrayList<>(audienceGroups.getValue().stream().map(Group::id).toList()), settings.version()));
                Notices.success(settings.everyone() ? "Offered to everyone."
                        : "Offered only to members of the chosen groups; others no longer see it.");
            } catch (ValidationException | ConflictException | NotFoundException ex) {
                Notices.error(ex.getMessage());
            }
        });
        save.setId("save-audience");
        HorizontalLayout row = new HorizontalLayout(audience, audienceGroups, save);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        add(row);
    }

    private void addRules() {
        ceiling.setLabel("Organization ceiling");
        ceiling.setId("access-ceiling");
        ceiling.setItems(ToolPolicy.values());
        ceiling.setItemLabelGenerator(ToolPolicy::label);
        ceiling.setHelperText("No grant exceeds it");
        everyone.setLabel("Everyone who may use it");
        everyone.setId("access-everyone");
        everyone.setItems(ToolPolicy.values());
        everyone.setItemLabelGenerator(ToolPolicy::label);
        everyone.setHelperText("Without a group's grant");
        readOnly.setId("access-read-only");
        Button save = new Button("Save modes", e -> {
            try {
                show(access.setRules(id, ceiling.getValue(), everyone.getValue(), readOnly.getValue(),
                        settings.version()));
                Notices.success("Saved: members' modes follow at their next call.");
            } catch (ValidationException | ConflictException | NotFoundException ex) {
                Notices.error(ex.getMessage());
            }
        });
        save.setId("save-modes");
        HorizontalLayout row = new HorizontalLayout(ceiling, everyone, readOnly, save);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        add(row);
    }

    private void addGrants() {
        add(new H4("Groups' grants"));
        grants.setId("access-grants");
        // at least a long word wide: on a phone the grid scrolls sideways instead of breaking names mid-word
        grants.addColumn(g -> VisibleText.escape(g.groupName())).setHeader("Group").setWidth("11rem").setFlexGrow(1);
        grants.addColumn(g -> g.tool().isEmpty() ? WHOLE : VisibleText.escape(g.tool())).setHeader("Tool")
                .setWidth("10rem").setFlexGrow(1);
        grants.addColumn(g -> g.mode().label()).setHeader("Mode").setAutoWidth(true).setFlexGrow(0);
        grants.addComponentColumn(g -> {
            Button clear = new Button("Remove", e -> {
                show(access.setGrant(id, g.group(), g.tool(), null));
                Notices.success("Grant removed.");
            });
            clear.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            return clear;
        }).setAutoWidth(true).setFlexGrow(0);
        grants.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grants.setAllRowsVisible(true);
        noGrants.addClassName("console-muted");
        noGrants.setId("access-no-grants");

        Select<Group> group = new Select<>();
        group.setLabel("Group");
        group.setId("grant-group");
        List<Group> all = groups.list();
        group.setItems(all);
        group.setItemLabelGenerator(Group::name);
        group.setEmptySelectionAllowed(false);
        ComboBox<String> tool = new ComboBox<>("Tool");
        tool.setId("grant-tool");
        List<String> names = new ArrayList<>();
        names.add(WHOLE);
        tools.tools(id).stream().map(ConnectorTool::name).sorted().forEach(names::add);
        tool.setItems(names);
        tool.setValue(WHOLE);
        Select<ToolPolicy> mode = new Select<>();
        mode.setLabel("Mode");
        mode.setId("grant-mode");
        mode.setItems(ToolPolicy.values());
        mode.setItemLabelGenerator(ToolPolicy::label);
        mode.setValue(ToolPolicy.ALLOWED);
        Button set = new Button("Set grant", e -> {
            if (group.getValue() == null) {
                Notices.error("Choose a group (create groups under Organization › Groups).");
                return;
            }
            try {
                String t = tool.getValue() == null || WHOLE.equals(tool.getValue()) ? "" : tool.getValue();
                show(access.setGrant(id, group.getValue().id(), t, mode.getValue()));
                Notices.success("Grant saved.");
            } catch (ValidationException | NotFoundException ex) {
                Notices.error(ex.getMessage());
            }
        });
        set.setId("set-grant");
        HorizontalLayout row = new HorizontalLayout(group, tool, mode, set);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        if (all.isEmpty()) {
            Paragraph hint = new Paragraph("No groups yet: create them under Organization › Groups.");
            hint.addClassName("console-muted");
            add(hint);
        }
        add(row, noGrants, grants);
    }

    private void addExplanation() {
        add(new H4("Why does a member get what they get?"));
        ComboBox<MemberSummary> member = new ComboBox<>("Member");
        member.setId("explain-member");
        member.setPlaceholder("Type a name or e-mail address");
        member.setWidth("24rem");
        member.setItemLabelGenerator(m -> m.displayName() + " <" + m.email() + ">");
        member.setItems(query -> {
            int limit = query.getLimit();
            if (query.getOffset() > 0) {
                return java.util.stream.Stream.empty();
            }
            return organizations.memberPage(query.getFilter().orElse(""), null, Math.min(limit, 50)).items().stream();
        });
        Paragraph offered = new Paragraph();
        offered.setId("explain-offered");
        Grid<MemberTools.Tool> modes = new Grid<>(MemberTools.Tool.class, false);
        modes.setId("explain-tools");
        modes.addColumn(t -> VisibleText.escape(t.name())).setHeader("Tool").setAutoWidth(true).setFlexGrow(0);
        modes.addColumn(t -> t.mode().mode().label()).setHeader("Mode").setAutoWidth(true).setFlexGrow(0);
        modes.addColumn(t -> t.mode().reason()).setHeader("Why").setWidth("12rem").setFlexGrow(1);
        modes.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT, GridVariant.LUMO_ROW_STRIPES);
        modes.setAllRowsVisible(true);
        modes.setVisible(false);
        member.addValueChangeListener(e -> {
            if (e.getValue() == null) {
                modes.setVisible(false);
                offered.setText("");
                return;
            }
            ConnectorAccessService.Explanation why = access.explain(id, e.getValue().userId());
            offered.setText(why.offered() ? e.getValue().displayName() + " may use this connector."
                    : e.getValue().displayName() + " does not see this connector: it is offered only to groups they "
                            + "are in none of.");
            modes.setItems(why.tools());
            modes.setVisible(!why.tools().isEmpty());
        });
        add(member, offered, modes);
    }

    private void show(AccessSettings s) {
        settings = s;
        if (organization) {
            audience.setValue(s.everyone() ? EVERYONE : CHOSEN);
            audienceGroups.setValue(new java.util.LinkedHashSet<>(s.audience()));
            audienceGroups.setEnabled(!s.everyone());
            grants.setItems(s.grants());
            grants.setVisible(!s.grants().isEmpty());
            noGrants.setVisible(s.grants().isEmpty());
        }
        ceiling.setValue(s.ceiling());
        everyone.setValue(s.everyoneMode());
        readOnly.setValue(s.readOnlyAllowed());
    }
}
