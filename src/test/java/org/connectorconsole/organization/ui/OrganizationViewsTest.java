package org.connectorconsole.organization.ui;

import static com.github.mvysny.kaributesting.v10.GridKt._get;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.grid.Grid;
import org.connectorconsole.base.Plan;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;

/**
 * The Members page shows the owner's organization only (its paging: MembersPagingViewTest; its actions:
 * IdentityViewsTest; Your account moved to security.ui.AccountViewTest).
 */
class OrganizationViewsTest extends ViewTest {

    @Test
    void members_view_lists_the_owners_organization_only() {
        Org org = orgs.create(Plan.TEAM, 2);
        orgs.create(Plan.TEAM, 3);
        signIn(org.owner());
        navigate("organization/members");
        @SuppressWarnings("unchecked")
        Grid<MemberSummary> grid = _get(Grid.class, spec -> spec.withId("members"));
        assertThat(_size(grid)).isEqualTo(3);
        assertThat(_get(grid, 0).email()).isEqualTo(org.owner().email());
    }
}
