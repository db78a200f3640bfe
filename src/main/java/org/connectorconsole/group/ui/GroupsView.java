package org.connectorconsole.group.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
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
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.VisibleText;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupMember;
import org.connectorconsole.group.GroupService;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.Authorities;

/**
 * Organization › Groups, for owners of a Team or Enterprise organization: the groups connectors are offered to
 * and approval modes are granted to. Groups made here can be renamed, deleted (after a confirmation) and filled;
 * groups kept by the identity provider (SCIM, single sign-on) are shown, marked, and changed only there.
 */
@Route("organization/groups")
@PageTitle("Groups · Connector Console")
@Menu(title = "Groups", order = 51, icon = "vaadin:group")
@RolesAllowed(Authorities.ORG_OWNER)
class GroupsView extends VerticalLayout {

    private final GroupService groups;
    private final OrganizationService organizations;
    private final Grid<Group> grid = new Grid<>(Group.class, false);
    private final Paragraph empty = new Paragraph();

    GroupsView(GroupService groups, OrganizationService organizations) {
        this.groups = groups;
        this.organizations = organizations;
        PageParts.page(this, "56rem");

        Paragraph lead = PageParts.lead("Offer a connector to chosen groups instead of everyone, and give groups "
                + "their own approval modes under the organization's ceiling (on each connector's page). A member in "
                + "several groups gets the most permissive of their groups' grants.");

        TextField name = new TextField("New group");
        name.setId("group-name");
        name.setPlaceholder("Engineering");
        name.setMaxLength(100);
        Button create = new Button("Create group", VaadinIcon.PLUS.create());
        create.setId("create-group");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(e -> {
            try {
                Group made = groups.create(name.getValue());
                name.clear();
                name.setInvalid(false);
                Notices.success("Group " + made.name() + " created. Add its members with Members.");
                refresh();
            } catch (ValidationException ex) {
                name.setErrorMessage(ex.getMessage());
                name.setInvalid(true);
            }
        });
        HorizontalLayout form = new HorizontalLayout(name, create);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);

        grid.setId("groups");
        // at least a long word wide: on a phone the grid scrolls sideways instead of breaking names mid-word
        grid.addColumn(g -> VisibleText.escape(g.name())).setHeader("Group").setWidth("11rem").setFlexGrow(1);
        grid.addColumn(g -> g.source().label()).setHeader("Kept by").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(Group::memberCount).setHeader("Members").setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(this::actions).setHeader("").setKey("actions").setAutoWidth(true).setFlexGrow(0);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        empty.setId("groups-empty");
        empty.addClassName("console-muted");
        empty.setText("No groups yet. Create one above, add its members, then offer connectors to it on their "
                + "pages.");

        add(new H2("Groups"), lead, form, empty, grid);
        refresh();
    }

    private void refresh() {
        List<Group> all = groups.list();
        grid.setItems(all);
        grid.setVisible(!all.isEmpty());
        empty.setVisible(all.isEmpty());
    }

    private HorizontalLayout actions(Group g) {
        Button members = new Button("Members", VaadinIcon.USERS.create(), e -> openMembers(g));
        members.setId("members-" + g.id());
        HorizontalLayout row = new HorizontalLayout(members);
        if (g.source().editableByHand()) {
            Button rename = new Button("Rename", VaadinIcon.EDIT.create(), e -> openRename(g));
            rename.setId("rename-" + g.id());
            Button delete = new Button("Delete", VaadinIcon.TRASH.create(), e -> confirmDelete(g));
            delete.setId("delete-" + g.id());
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
            row.add(rename, delete);
        } else {
            Span kept = new Span("Change it in your identity provider");
            kept.addClassName("console-muted");
            row.add(kept);
        }
        row.setSpacing(true);
        return row;
    }

    private void openRename(Group g) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Rename " + g.name());
        TextField field = new TextField("Name");
        field.setValue(g.name());
        field.setId("rename-field");
        field.setMaxLength(100);
        Button save = new Button("Save", e -> {
            try {
                groups.rename(g.id(), field.getValue(), g.version());
                dialog.close();
                Notices.success("Renamed.");
                refresh();
            } catch (ValidationException ex) {
                field.setErrorMessage(ex.getMessage());
                field.setInvalid(true);
            } catch (ConflictException | NotFoundException ex) {
                Notices.error(ex.getMessage());
                dialog.close();
                refresh();
            }
        });
        save.setId("rename-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(field);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private void confirmDelete(Group g) {
        Confirmations.confirm("Delete " + g.name() + "?", "Its " + g.memberCount()
                + (g.memberCount() == 1 ? " member loses" : " members lose")
                + " what the group gave them at once: connectors offered only to it, and its approval modes. The "
                + "people stay members of the organization.", "Delete group", () -> {
                    try {
                        groups.delete(g.id());
                        Notices.success(g.name() + " is deleted.");
                    } catch (NotFoundException | ValidationException ex) {
                        Notices.error(ex.getMessage());
                    }
                    refresh();
                }).setId("confirm-delete-group");
    }

    private void openMembers(Group g) {
        Dialog dialog = new Dialog();
        dialog.setId("group-members-dialog");
        dialog.setHeaderTitle("Members of " + g.name());
        dialog.setWidth("36rem");
        Grid<GroupMember> list = new Grid<>(GroupMember.class, false);
        list.setId("group-members");
        list.addColumn(m -> VisibleText.escape(m.displayName())).setHeader("Name").setWidth("10rem").setFlexGrow(1);
        list.addColumn(GroupMember::email).setHeader("E-mail").setWidth("13rem").setFlexGrow(1);
        Paragraph none = new Paragraph("Nobody is in this group yet.");
        none.addClassName("console-muted");
        Runnable reload = () -> {
            List<GroupMember> members = groups.members(g.id());
            list.setItems(members);
            none.setVisible(members.isEmpty());
            list.setVisible(!members.isEmpty());
        };
        if (g.source().editableByHand()) {
            list.addComponentColumn(m -> {
                Button remove = new Button("Remove", e -> {
                    groups.removeMember(g.id(), m.userId());
                    reload.run();
                    refresh();
                });
                remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
                return remove;
            }).setAutoWidth(true).setFlexGrow(0);
            ComboBox<MemberSummary> picker = new ComboBox<>("Add a member");
            picker.setId("member-picker");
            picker.setPlaceholder("Type a name or e-mail address");
            picker.setItemLabelGenerator(m -> m.displayName() + " <" + m.email() + ">");
            picker.setItems(query -> {
                int limit = query.getLimit();
                int offset = query.getOffset();
                if (offset > 0) {
                    return java.util.stream.Stream.empty();
                }
                return organizations.memberPage(query.getFilter().orElse(""), null, Math.min(limit, 50)).items()
                        .stream();
            });
            picker.setWidthFull();
            picker.addValueChangeListener(e -> {
                if (e.getValue() == null) {
                    return;
                }
                try {
                    boolean added = groups.addMember(g.id(), e.getValue().userId());
                    Notices.success(added ? e.getValue().displayName() + " added to " + g.name() + "."
                            : e.getValue().displayName() + " is already in " + g.name() + ".");
                } catch (NotFoundException | ValidationException ex) {
                    Notices.error(ex.getMessage());
                }
                picker.clear();
                reload.run();
                refresh();
            });
            dialog.add(picker);
        } else {
            Paragraph kept = new Paragraph("Kept by your identity provider (" + g.source().label() + "): its members "
                    + "change there.");
            kept.addClassName("console-muted");
            dialog.add(kept);
        }
        dialog.add(none, list);
        reload.run();
        dialog.getFooter().add(new Button("Close", e -> dialog.close()));
        dialog.open();
    }
}
