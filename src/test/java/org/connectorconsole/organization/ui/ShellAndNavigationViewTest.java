package org.connectorconsole.organization.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.sidenav.SideNavItem;
import java.util.List;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ui.NotAllowedView;
import org.connectorconsole.security.ui.LoginView;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;

/**
 * The shell's navigation (base.ui's MainLayout) as each kind of person sees it. In organization.ui because the pages
 * it lands on are this feature's (OverviewView, MembersView); LoginView and NotAllowedView are public.
 */
class ShellAndNavigationViewTest extends ViewTest {

    private static List<String> menu() {
        return _find(SideNavItem.class).stream().map(SideNavItem::getLabel).toList();
    }

    @Test
    void anonymous_visitor_is_sent_to_sign_in() {
        orgs.create(Plan.TEAM, 0); // an installation that has been set up
        navigate("organization/members");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(LoginView.class);
    }

    @Test
    void team_owner_sees_members_in_the_navigation() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        navigate("");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(OverviewView.class);
        assertThat(menu()).containsExactly("Overview", "Conversations", "Your connectors", "Authorized apps",
                "Connectors", "Connections", "Gateway", "Organization sign-in", "Members", "Groups", "Provisioning",
                "Registry", "Members' apps", "Audit log", "Your account");
        assertThat(_get(Paragraph.class, spec -> spec.withId("what-you-can-do")).getText())
                .contains("As an owner you add the organization's custom connectors");
    }

    @Test
    void member_sees_less_and_is_told_when_opening_an_owner_page() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.members().getFirst());
        navigate("");
        assertThat(menu()).containsExactly("Overview", "Conversations", "Your connectors", "Authorized apps",
                "Your account");
        navigate("organization/members");
        assertThat(UI.getCurrent().getCurrentView()).isNotInstanceOf(MembersView.class);
        assertThat(_find(NotAllowedView.class)).hasSize(1);
    }

    @Test
    void pro_individual_has_connectors_but_no_members_page() {
        Org org = orgs.create(Plan.PRO, 0);
        signIn(org.owner());
        navigate("");
        assertThat(menu()).containsExactly("Overview", "Conversations", "Your connectors", "Authorized apps",
                "Connectors", "Audit log", "Your account");
        assertThat(_get(Paragraph.class, spec -> spec.withId("what-you-can-do")).getText())
                .contains("you add, connect and remove your own custom connectors");
    }

    @Test
    void free_individual_is_told_connectors_need_a_paid_plan() {
        Org org = orgs.create(Plan.FREE, 0);
        signIn(org.owner());
        navigate("");
        assertThat(_get(Paragraph.class, spec -> spec.withId("what-you-can-do")).getText())
                .contains("Custom connectors need a paid plan");
    }
}
