package org.connectorconsole.organization.ui;

import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.AbstractField;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.BulkRows;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Members page shows 50 rows, "Show 50 more", and a search that explains no match and bad text (the Connectors
 * page's twin is {@code connector.ui.ConnectorsPagingViewTest}).
 */
class MembersPagingViewTest extends ViewTest {

    @Autowired
    DSLContext db;

    @Test
    void members_page_shows_fifty_then_more_and_searches() {
        Org org = orgs.create(Plan.TEAM, 0);
        BulkRows.members(db, org, 60);
        signIn(org.owner());
        navigate("organization/members");
        assertThat(_get(Paragraph.class, spec -> spec.withText("61 people, 1 owner. Each member connects to the "
                + "organization's connectors with their own sign-in."))).isNotNull();
        assertThat(_size(gridWithId("members"))).isEqualTo(50);
        Button more = _get(Button.class, spec -> spec.withId("members-more"));
        assertThat(more.getText()).isEqualTo("Show 50 more");
        _click(more);
        assertThat(_size(gridWithId("members"))).isEqualTo(61);
        assertThat(more.isVisible()).isFalse();

        TextField search = _get(TextField.class, spec -> spec.withId("member-search"));
        typeInto(search, "100%");
        assertThat(_size(gridWithId("members"))).isEqualTo(1);
        typeInto(search, "zebra");
        assertThat(shown("members")).isFalse();
        assertThat(_get(Div.class, spec -> spec.withId("no-member-match")).getText())
                .isEqualTo("Nobody's name or e-mail address contains \u201czebra\u201d. Check the spelling, or invite "
                        + "them below.");
        typeInto(search, "x".repeat(101));
        assertThat(search.isInvalid()).isTrue();
        assertThat(search.getErrorMessage()).isEqualTo("Search for at most 100 characters.");
        assertThat(shown("no-member-match")).isFalse();
        typeInto(search, "");
        assertThat(search.isInvalid()).isFalse();
        assertThat(_size(gridWithId("members"))).isEqualTo(50);
    }

    @Test
    void members_page_keeps_what_was_shown_after_a_removal_and_shows_more_inside_a_search() {
        Org org = orgs.create(Plan.TEAM, 0);
        BulkRows.members(db, org, 60);
        signIn(org.owner());
        navigate("organization/members");
        _click(_get(Button.class, spec -> spec.withId("members-more")));
        @SuppressWarnings("unchecked")
        Grid<org.connectorconsole.organization.MemberSummary> members =
                (Grid<org.connectorconsole.organization.MemberSummary>) gridWithId("members");
        assertThat(_size(members)).isEqualTo(61);
        var last = com.github.mvysny.kaributesting.v10.GridKt._get(members, 60);
        // the row's actions: Revoke everything and Remove
        _click((Button) com.github.mvysny.kaributesting.v10.GridKt._getCellComponent(members, 60, "remove")
                .getChildren().filter(c -> c.getId().orElse("").startsWith("remove-")).findFirst().orElseThrow());
        com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._fireConfirm(
                _get(com.vaadin.flow.component.confirmdialog.ConfirmDialog.class));
        assertThat(_size(members)).as("the rows shown stay, less the one removed").isEqualTo(60);
        assertThat(_get(Paragraph.class, spec -> spec.withText("60 people, 1 owner. Each member connects to the "
                + "organization's connectors with their own sign-in."))).isNotNull();
        assertThat(com.github.mvysny.kaributesting.v10.GridKt._getFormattedRow(members, 59))
                .doesNotContain(last.email());

        TextField search = _get(TextField.class, spec -> spec.withId("member-search"));
        typeInto(search, "person");
        assertThat(_size(members)).isEqualTo(50);
        _click(_get(Button.class, spec -> spec.withId("members-more")));
        assertThat(_size(members)).as("the 58 people named Person…").isEqualTo(58);
        for (int i = 0; i < 58; i++) {
            assertThat(com.github.mvysny.kaributesting.v10.GridKt._get(members, i).displayName()).startsWith("Person");
        }
    }
}
