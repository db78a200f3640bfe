package org.connectorconsole.organization.ui;

import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import java.util.UUID;
import org.connectorconsole.base.OrganizationChoices;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionOverview;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.connection.OverviewState;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.organization.IssuedInvitation;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Role;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The members page, the invitation page, the connections overview and the organization switcher, browserless.
 * Kept whole in organization.ui, where most of it belongs (members and invitations); the connections overview
 * (connection.ui), the switcher (base.ui) and the sign-in page (security.ui) are reached by route only, so none of
 * their views needs to be visible here.
 */
class IdentityViewsTest extends ViewTest {

    @Autowired
    InvitationService invitations;
    @Autowired
    OrganizationService organizations;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionOverviewService overview;
    @Autowired
    CurrentMember currentMember;

    private static String newEmail() {
        return "guest-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example";
    }

    @SuppressWarnings("unchecked")
    private static <T> Grid<T> grid(String id) {
        return _get(Grid.class, spec -> spec.withId(id));
    }

    @Test
    void owner_invites_from_the_members_page_sees_the_link_once_and_revokes_it() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        navigate("organization/members");
        assertThat(_get(Div.class, spec -> spec.withId("no-pending-invitations")).getText())
                .contains("Invite someone above");
        assertThat(_get(Div.class, spec -> spec.withId("sso-settings")).getElement().getTextRecursively())
                .contains("Members sign in with a password");

        String email = newEmail();
        _get(EmailField.class, spec -> spec.withId("invite-email")).setValue(email);
        _click(_get(Button.class, spec -> spec.withId("invite")));
        TextField link = _get(TextField.class, spec -> spec.withId("invitation-link"));
        assertThat(link.getValue()).contains("/invitation/").hasSizeGreaterThan("/invitation/".length() + 40);
        assertThat(link.isReadOnly()).isTrue();
        _click(_get(Button.class, spec -> spec.withId("invitation-done")));
        Grid<org.connectorconsole.organization.Invitation> pending = grid("pending-invitations");
        assertThat(_size(pending)).isEqualTo(1);

        _click((Button) _getCellComponent(pending, 0, "revoke"));
        ConfirmDialog revokeConfirm = _get(ConfirmDialog.class);
        ConfirmDialogKt._fireCancel(revokeConfirm);
        assertThat(_size(grid("pending-invitations"))).as("Cancel revokes nothing").isEqualTo(1);
        _click((Button) _getCellComponent(grid("pending-invitations"), 0, "revoke"));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        NotificationsKt.expectNotifications("The invitation for " + email + " no longer works.");
        assertThat(pending.isVisible()).isFalse();
    }

    @Test
    void a_bad_address_is_explained_next_to_the_field_and_nothing_is_stored() {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        navigate("organization/members");
        EmailField email = _get(EmailField.class, spec -> spec.withId("invite-email"));
        email.setValue("nobody");
        _click(_get(Button.class, spec -> spec.withId("invite")));
        assertThat(email.isInvalid()).isTrue();
        assertThat(invitations.pending()).isEmpty();
    }

    @Test
    void owner_changes_a_role_and_the_last_owner_gets_a_clear_message() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        navigate("organization/members");
        Grid<MemberSummary> members = grid("members");
        assertThat(_size(members)).isEqualTo(2);

        @SuppressWarnings("unchecked")
        Select<Role> ownerRole = (Select<Role>) _getCellComponent(members, 0, "role");
        typeInto(ownerRole, Role.MEMBER);
        NotificationsKt.expectNotifications(org.owner().name() + " is the only owner of " + org.name()
                + " and must stay an owner. Make someone else an owner first.");
        assertThat(organizations.member(org.owner().id()).role()).isEqualTo(Role.OWNER);

        @SuppressWarnings("unchecked")
        Select<Role> memberRole = (Select<Role>) _getCellComponent(members, 1, "role");
        typeInto(memberRole, Role.OWNER);
        assertThat(organizations.member(org.members().getFirst().id()).role()).isEqualTo(Role.OWNER);
    }

    @Test
    void owner_removes_a_member_after_confirming() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        navigate("organization/members");
        Grid<MemberSummary> members = grid("members");
        // the row's actions: Revoke everything and Remove
        _click((Button) _getCellComponent(members, 1, "remove").getChildren()
                .filter(c -> c.getId().orElse("").startsWith("remove-")).findFirst().orElseThrow());
        ConfirmDialog confirm = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt._getText(confirm)).contains("their tokens are revoked");
        ConfirmDialogKt._fireConfirm(confirm);
        assertThat(_size(members)).isEqualTo(1);
        assertThat(organizations.memberPage(null, null, 200).items()).extracting(MemberSummary::email).containsExactly(org.owner().email());
    }

    @Test
    void invitation_page_lets_a_new_person_create_an_account_and_explains_closed_links() {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        String email = newEmail();
        IssuedInvitation issued = invitations.invite(email, Role.MEMBER);
        TestOrganizations.signOut();

        navigate("invitation/not-a-real-token");
        assertThat(_get(Paragraph.class, spec -> spec.withId("invitation-closed")).getText())
                .contains("not valid");

        navigate("invitation/" + issued.token());
        assertThat(_get(Paragraph.class, spec -> spec.withId("invitation-lead")).getText())
                .contains(org.name()).contains(email);
        assertThat(_find(Anchor.class, spec -> spec.withId("invitation-sso-local"))).as("no provider configured")
                .isEmpty();
        _get(TextField.class, spec -> spec.withId("invitation-name")).setValue("Gia Guest");
        _get(PasswordField.class, spec -> spec.withId("invitation-password")).setValue(TestOrganizations.PASSWORD);
        _get(PasswordField.class, spec -> spec.withId("invitation-confirmation")).setValue("something else 123");
        _click(_get(Button.class, spec -> spec.withId("invitation-create")));
        assertThat(_get(PasswordField.class, spec -> spec.withId("invitation-confirmation")).isInvalid()).isTrue();

        _get(PasswordField.class, spec -> spec.withId("invitation-confirmation")).setValue(TestOrganizations.PASSWORD);
        _click(_get(Button.class, spec -> spec.withId("invitation-create")));
        NotificationsKt.expectNotifications("Your account is ready and you joined " + org.name() + ". Sign in with "
                + email + ".");

        navigate("invitation/" + issued.token());
        assertThat(_get(Paragraph.class, spec -> spec.withId("invitation-closed")).getText())
                .contains("already been used");
    }

    @Test
    void invitation_page_refuses_someone_signed_in_with_another_address() {
        Org org = orgs.create(Plan.TEAM, 0);
        Org other = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        IssuedInvitation issued = invitations.invite(newEmail(), Role.MEMBER);
        signIn(other.owner());
        navigate("invitation/" + issued.token());
        assertThat(_get(Paragraph.class, spec -> spec.withId("invitation-refused")).getText())
                .contains("you are signed in with another address");
        assertThat(_find(Button.class, spec -> spec.withId("invitation-join"))).isEmpty();
    }

    @Test
    void connections_overview_lists_members_by_connector_filters_and_asks_to_reconnect() {
        Org org = orgs.create(Plan.TEAM, 2);
        signIn(org.owner());
        navigate("organization/connections");
        assertThat(_get(Div.class, spec -> spec.withId("overview-empty")).getElement().getTextRecursively())
                .contains("Add a connector under Connectors");

        Connector c = connectors.add(new ConnectorForm("Wiki", "https://wiki.example.com/mcp", null, null, false));
        navigate("organization/members");
        navigate("organization/connections");
        Grid<ConnectionOverview.Row> rows = grid("connections-overview");
        assertThat(_size(rows)).isEqualTo(3);
        assertThat(_get(Div.class, spec -> spec.withId("count-never_connected")).getElement().getTextRecursively())
                .contains("3");

        @SuppressWarnings("unchecked")
        Select<OverviewState> state = _get(Select.class, spec -> spec.withId("overview-state"));
        typeInto(state, OverviewState.CONNECTED);
        assertThat(rows.isVisible()).isFalse();
        assertThat(_get(Div.class, spec -> spec.withId("overview-empty")).getElement().getTextRecursively())
                .contains("No connections match");
        typeInto(state, null);
        _get(TextField.class, spec -> spec.withId("overview-member")).setValue(org.members().get(1).email());
        assertThat(_size(rows)).isEqualTo(1);

        _click((Button) _getCellComponent(rows, 0, "action"));
        NotificationsKt.expectNotifications(org.members().get(1).name()
                + " will see your request on their connectors page.");

        signIn(org.members().get(1));
        navigate("settings/connectors");
        assertThat(_get(Paragraph.class, spec -> spec.withId("reconnect-request-" + c.id())).getText())
                .contains("asked you");
    }

    @Test
    void a_person_in_one_organization_sees_no_switcher() {
        Org a = orgs.create(Plan.TEAM, 1);
        signIn(a.members().getFirst());
        navigate("");
        assertThat(_find(Select.class, spec -> spec.withId("organization-switcher"))).isEmpty();
    }

    @Test
    void a_person_in_two_organizations_switches_in_the_drawer() {
        Org a = orgs.create(Plan.TEAM, 1);
        Org b = orgs.create(Plan.TEAM, 0);
        signIn(b.owner());
        invitations.acceptAsSignedIn(invitationFor(a, b.owner().email()));
        signIn(b.owner());
        navigate("");
        @SuppressWarnings("unchecked")
        Select<OrganizationChoices.Choice> switcher = _get(Select.class, spec -> spec.withId("organization-switcher"));
        assertThat(switcher.getValue().name()).isEqualTo(b.name());
        OrganizationChoices.Choice toA = switcher.getListDataView().getItems()
                .filter(c -> c.id().equals(a.id())).findFirst().orElseThrow();
        typeInto(switcher, toA);
        assertThat(currentMember.require().orgId()).isEqualTo(a.id());
        assertThat(currentMember.require().role()).isEqualTo(Role.MEMBER);
    }

    private String invitationFor(Org org, String email) {
        var previous = currentMember.user().orElseThrow();
        orgs.signIn(org.owner());
        String token = invitations.invite(email, Role.MEMBER).token();
        TestOrganizations.signOut();
        orgs.signIn(new TestOrganizations.Person(previous.userId(), previous.email(), previous.displayName()));
        return token;
    }

    @Test
    void the_sign_in_page_offers_no_single_sign_on_when_none_is_configured() {
        navigate("login");
        assertThat(_find(Anchor.class, spec -> spec.withClasses("console-sso-button"))).isEmpty();
        assertThat(UI.getCurrent()).isNotNull();
    }
}
