package org.connectorconsole.group.ui;

import static com.github.mvysny.kaributesting.v10.GridKt._get;
import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.Plan;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupDirectory;
import org.connectorconsole.group.GroupSource;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/** Organization › Groups: create, the empty state, delete after a confirmation, provisioned groups marked. */
class GroupsViewTest extends ViewTest {

    @Test
    void owner_creates_a_group_sees_it_and_deletes_it_after_confirming() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        navigate("organization/groups");
        assertThat(_get(Paragraph.class, spec -> spec.withId("groups-empty")).isVisible()).isTrue();
        _get(TextField.class, spec -> spec.withId("group-name")).setValue("Engineering");
        _click(_get(Button.class, spec -> spec.withId("create-group")));
        @SuppressWarnings("unchecked")
        Grid<Group> grid = _get(Grid.class, spec -> spec.withId("groups"));
        assertThat(_size(grid)).isEqualTo(1);
        Group made = _get(grid, 0);
        assertThat(made.name()).isEqualTo("Engineering");

        _get(TextField.class, spec -> spec.withId("group-name")).setValue("engineering");
        _click(_get(Button.class, spec -> spec.withId("create-group")));
        assertThat(_get(TextField.class, spec -> spec.withId("group-name")).isInvalid()).as("duplicate").isTrue();

        HorizontalLayout actions = (HorizontalLayout) _getCellComponent(grid, 0, "actions");
        _click((Button) actions.getChildren().filter(c -> c.getId().orElse("").equals("delete-" + made.id()))
                .findFirst().orElseThrow());
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class, spec -> spec.withId("confirm-delete-group")));
        assertThat(_size(grid)).isZero();
    }

    @Test
    void a_provisioned_group_is_marked_and_offers_no_rename_or_delete() {
        Org org = orgs.create(Plan.ENTERPRISE, 0);
        context.getBean(TransactionTemplate.class).execute(s -> context.getBean(GroupDirectory.class)
                .create(org.id(), Actor.SYSTEM, "Okta admins", GroupSource.SCIM, "00g9"));
        signIn(org.owner());
        navigate("organization/groups");
        @SuppressWarnings("unchecked")
        Grid<Group> grid = _get(Grid.class, spec -> spec.withId("groups"));
        assertThat(_get(grid, 0).source()).isEqualTo(GroupSource.SCIM);
        HorizontalLayout actions = (HorizontalLayout) _getCellComponent(grid, 0, "actions");
        assertThat(actions.getChildren().filter(c -> c instanceof Button).count()).as("Members only").isEqualTo(1);
    }
}
