package org.connectorconsole.gatewayauth.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.base.Plan;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.gatewayauth.AuthorizedApp;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Authorized apps (member), Members' apps (owner) and the consent page without a pending request. */
class AuthorizedAppsViewTest extends ViewTest {

    @Autowired
    JdbcTemplate jdbc;

    /** A grant as the authorization server leaves it after a code exchange (rows written directly). */
    private String grant(Org org, Person person, String clientName) {
        return grant(org, person, clientName, Instant.now());
    }

    private String grant(Org org, Person person, String clientName, Instant grantedAt) {
        String clientRowId = UUID.randomUUID().toString();
        String clientId = UUID.randomUUID().toString();
        jdbc.update("insert into oauth2_registered_client (id, client_id, client_name, client_authentication_methods,"
                + " authorization_grant_types, redirect_uris, scopes, client_settings, token_settings)"
                + " values (?, ?, ?, 'none', 'authorization_code,refresh_token', 'http://127.0.0.1:9/cb', '', '{}',"
                + " '{}')", clientRowId, clientId, clientName);
        String authorizationId = UUID.randomUUID().toString();
        jdbc.update("insert into oauth2_authorization (id, registered_client_id, principal_name,"
                + " authorization_grant_type, access_token_value) values (?, ?, ?, 'authorization_code', ?)",
                authorizationId, clientRowId, person.email(), "h:" + UUID.randomUUID());
        jdbc.update("insert into gateway_grant (authorization_id, org_id, user_id, registered_client_id, client_id,"
                + " client_name, resource, granted_at) values (?, ?, ?, ?, ?, ?, ?, ?)", authorizationId,
                org.id().value(), person.id().value(), clientRowId, clientId, clientName,
                "http://localhost:8080" + GatewayEndpoints.memberPath(org.id(), person.id()),
                Timestamp.from(grantedAt));
        return authorizationId;
    }

    @Test
    void a_member_sees_their_apps_and_revoke_ends_the_grant() {
        Org org = orgs.create(Plan.TEAM, 2);
        Person member = org.members().get(0);
        String mine = grant(org, member, "Claude Desktop");
        grant(org, org.members().get(1), "Someone else's agent");
        signIn(member);
        navigate("settings/authorized-apps");
        Grid<?> grid = gridWithId("authorized-apps");
        assertThat(GridKt._size(grid)).isEqualTo(1);
        assertThat(GridKt._getFormattedRow(grid, 0)).contains("Claude Desktop", "never");
        _click((Button) GridKt._getCellComponent(grid, 0, "revoke"));
        com.vaadin.flow.component.confirmdialog.ConfirmDialog confirm = com.github.mvysny.kaributesting.v10.LocatorJ
                ._get(com.vaadin.flow.component.confirmdialog.ConfirmDialog.class);
        assertThat(com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._getText(confirm))
                .contains("Claude Desktop loses access to your connectors at once");
        com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._fireCancel(confirm);
        assertThat(GridKt._size(gridWithId("authorized-apps"))).as("Cancel revokes nothing").isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from oauth2_authorization where id = ?", Integer.class, mine))
                .as("Cancel revokes nothing").isOne();
        _click((Button) GridKt._getCellComponent(gridWithId("authorized-apps"), 0, "revoke"));
        com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._fireConfirm(com.github.mvysny.kaributesting.v10
                .LocatorJ._get(com.vaadin.flow.component.confirmdialog.ConfirmDialog.class));
        NotificationsKt.expectNotifications("Claude Desktop no longer has access.");
        assertThat(shown("authorized-apps")).as("no row left").isFalse();
        assertThat(shown("authorized-apps-empty")).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from oauth2_authorization where id = ?", Integer.class, mine))
                .isZero();
    }

    @Test
    void an_owner_sees_each_members_apps_and_revokes_one() {
        Org org = orgs.create(Plan.TEAM, 2);
        grant(org, org.members().get(0), "VS Code");
        grant(org, org.members().get(1), "In-house agent");
        grant(orgs.create(Plan.TEAM, 1), org.owner(), "Another organization's app");
        signIn(org.owner());
        navigate("organization/authorized-apps");
        Grid<?> grid = gridWithId("organization-apps");
        assertThat(GridKt._size(grid)).isEqualTo(2);
        _click((Button) GridKt._getCellComponent(grid, 0, "revoke"));
        com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._fireConfirm(com.github.mvysny.kaributesting.v10
                .LocatorJ._get(com.vaadin.flow.component.confirmdialog.ConfirmDialog.class));
        assertThat(GridKt._size(gridWithId("organization-apps"))).isEqualTo(1);
    }

    @Test
    void members_apps_shows_fifty_then_the_rest_in_order_and_searches() {
        Org org = orgs.create(Plan.TEAM, 2);
        Person first = org.members().get(0).email().compareTo(org.members().get(1).email()) < 0
                ? org.members().get(0) : org.members().get(1);
        Person second = first == org.members().get(0) ? org.members().get(1) : org.members().get(0);
        // 30 grants at one instant (the page boundary falls among them: only the id tells them apart), 25 at others
        Instant same = Instant.parse("2026-12-01T10:00:00Z");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            ids.add(grant(org, first, "Agent " + i, same));
        }
        for (int i = 0; i < 25; i++) {
            ids.add(grant(org, second, "Editor " + i, same.minusSeconds(60L * i)));
        }
        grant(orgs.create(Plan.TEAM, 1), org.owner(), "Another organization's app");
        signIn(org.owner());
        navigate("organization/authorized-apps");
        @SuppressWarnings("unchecked")
        Grid<AuthorizedApp> grid = (Grid<AuthorizedApp>) gridWithId("organization-apps");
        assertThat(GridKt._size(grid)).as("one page").isEqualTo(50);
        assertThat(shown("organization-apps-empty")).isFalse();
        Button more = _get(Button.class, spec -> spec.withId("organization-apps-more"));
        assertThat(more.getText()).isEqualTo("Show 50 more");
        _click(more);
        assertThat(GridKt._size(grid)).isEqualTo(55);
        assertThat(shown("organization-apps-more")).isFalse();
        List<AuthorizedApp> rows = new ArrayList<>();
        for (int i = 0; i < 55; i++) {
            rows.add(GridKt._get(grid, i));
        }
        assertThat(rows).extracting(AuthorizedApp::id).as("each grant once, none of another organization")
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(rows.subList(0, 30)).extracting(AuthorizedApp::memberEmail).containsOnly(first.email());
        assertThat(rows.subList(30, 55)).extracting(AuthorizedApp::grantedAt).as("newest first within a member")
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());

        TextField search = _get(TextField.class, spec -> spec.withId("organization-app-search"));
        typeInto(search, "editor 1");
        assertThat(GridKt._size(grid)).as("Editor 1 and Editor 10 to 19").isEqualTo(11);
        typeInto(search, "nothing like this");
        assertThat(shown("organization-apps")).isFalse();
        assertThat(_get(Div.class, spec -> spec.withId("no-organization-app-match")).getText())
                .isEqualTo("No member's address or app's name contains \u201cnothing like this\u201d.");
        assertThat(shown("organization-apps-empty")).as("a search that matches nothing is no empty organization")
                .isFalse();
        typeInto(search, "");
        assertThat(GridKt._size(grid)).isEqualTo(50);
    }

    @Test
    void members_apps_without_any_app_says_how_one_gets_there() {
        Org org = orgs.create(Plan.TEAM, 1);
        grant(orgs.create(Plan.TEAM, 1), org.owner(), "Another organization's app");
        signIn(org.owner());
        navigate("organization/authorized-apps");
        assertThat(shown("organization-apps")).isFalse();
        assertThat(shown("organization-app-search")).as("nothing to search").isFalse();
        Div empty = _get(Div.class, spec -> spec.withId("organization-apps-empty"));
        assertThat(empty.getElement().getTextRecursively()).contains("No member has allowed an app yet",
                "Settings \u203a Connectors", "switch the gateway off in Gateway");

        grant(org, org.members().getFirst(), "Claude Desktop");
        navigate("account");
        navigate("organization/authorized-apps");
        assertThat(shown("organization-apps-empty")).isFalse();
        assertThat(GridKt._size(gridWithId("organization-apps"))).isOne();
        _click((Button) GridKt._getCellComponent(gridWithId("organization-apps"), 0, "revoke"));
        com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt._fireConfirm(com.github.mvysny.kaributesting.v10
                .LocatorJ._get(com.vaadin.flow.component.confirmdialog.ConfirmDialog.class));
        assertThat(shown("organization-apps-empty")).as("the last app revoked").isTrue();
        assertThat(shown("organization-apps")).isFalse();
    }

    @Test
    void authorized_apps_without_any_app_says_how_one_gets_there() {
        Org org = orgs.create(Plan.TEAM, 2);
        grant(org, org.members().get(1), "Someone else's agent");
        signIn(org.members().getFirst());
        navigate("settings/authorized-apps");
        assertThat(shown("authorized-apps")).isFalse();
        assertThat(_get(Div.class, spec -> spec.withId("authorized-apps-empty")).getElement().getTextRecursively())
                .contains("No app holds access", "add your gateway address from Settings \u203a Connectors");
    }

    @Test
    void the_consent_page_without_a_pending_request_says_so_and_offers_no_buttons() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.members().getFirst());
        com.vaadin.flow.component.UI.getCurrent().navigate("oauth2/consent",
                com.vaadin.flow.router.QueryParameters.simple(java.util.Map.of("client_id", "x", "state", "made-up")));
        assertThat(_get(Paragraph.class, spec -> spec.withId("consent-refused")).getText())
                .isEqualTo("This request has expired or was already answered. Start again from the app.");
        assertThat(shown("consent-title")).isFalse();
    }
}
