package org.connectorconsole.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.INVITATION;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.SSO_ASSERTION;
import static org.connectorconsole.db.Tables.SSO_IDENTITY;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.ConnectStart;
import org.connectorconsole.connection.ConnectionOverview;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connection.OverviewState;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.organization.InvitationPreview;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.organization.IssuedInvitation;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.ActiveOrganization;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Role;
import org.connectorconsole.security.SignInOptions;
import org.connectorconsole.security.SsoRequiredException;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.SsoConsole;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import testpeers.TestAuthorizationServer;

/**
 * Organizations and identity through the services, on the embedded PostgreSQL, with a real OpenID Connect
 * provider and a real OAuth-protected MCP server on 127.0.0.1: invitations, roles, the last owner, removal
 * (connections end, tokens revoked at the authorization server), single sign-on, SSO-required organizations,
 * switching organization, and the owners' connections overview. Each for the one who may, the one who may not,
 * and another organization's owner.
 */
class IdentityServiceTest extends SsoConsole {

    static TestMcpServer mcp;

    @Autowired
    org.connectorconsole.connection.StoredTokens storedTokens;
    @Autowired
    InvitationService invitations;
    @Autowired
    OrganizationService organizations;
    @Autowired
    ActiveOrganization activeOrganization;
    @Autowired
    CurrentMember currentMember;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    ConnectionOverviewService overview;
    @Autowired
    SignInOptions signInOptions;
    @Autowired
    DSLContext db;

    @BeforeAll
    static void startMcp() {
        mcp = new TestMcpServer();
        for (int i = 0; i < 3; i++) {
            mcp.oauthProtected("/mcp" + i, "identity-files-" + i, IDP.issuer(), "mcp", TestMcpServer.echoTool());
        }
    }

    @AfterAll
    static void stopMcp() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private List<String> actions(Org org) {
        return db.select(AUDIT_EVENT.ACTION).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id()))
                .orderBy(AUDIT_EVENT.SEQ).fetch(AUDIT_EVENT.ACTION);
    }

    private IssuedInvitation invite(Org org, String email, Role role) {
        orgs.signIn(org.owner());
        IssuedInvitation issued = invitations.invite(email, role);
        TestOrganizations.signOut();
        return issued;
    }

    private static String newEmail(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example";
    }

    private Connector addConnector(Org org) {
        return addConnector(org, 0);
    }

    private Connector addConnector(Org org, int server) {
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Files " + server + " " + UUID.randomUUID().toString()
                .substring(0, 4), mcp.url("/mcp" + server), null, null, false));
        TestOrganizations.signOut();
        return c;
    }

    private void connect(Person person, Connector c) throws Exception {
        orgs.signIn(person);
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        CallbackOutcome outcome = connections.complete(back.get("state"), back.get("code"), back.get("iss"),
                back.get("error"), back.get("error_description"));
        assertThat(outcome.connected()).as(outcome.message()).isTrue();
        TestOrganizations.signOut();
    }

    // ------------------------------------------------------------------ invitations

    @Test
    void owner_invites_by_email_and_only_the_tokens_hash_is_stored() {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = newEmail("Invited").toUpperCase();
        IssuedInvitation issued = invite(org, email, Role.MEMBER);

        assertThat(issued.token()).hasSize(43); // 256 bits, base64url without padding
        assertThat(issued.path()).isEqualTo("/invitation/" + issued.token());
        assertThat(issued.toString()).doesNotContain(issued.token());
        var row = db.selectFrom(INVITATION).where(INVITATION.ID.eq(issued.invitation().id())).fetchSingle();
        assertThat(row.getEmail()).isEqualTo(email.toLowerCase());
        assertThat(row.getTokenHash()).isEqualTo(Tokens.sha256Hex(issued.token()));
        assertThat(row.getExpiresAt()).isAfter(OffsetDateTime.now().plusDays(6))
                .isBefore(OffsetDateTime.now().plusDays(8));
        assertThat(db.fetchCount(INVITATION, INVITATION.TOKEN_HASH.eq(issued.token()))).isZero();
        orgs.signIn(org.owner());
        assertThat(invitations.pending()).extracting(i -> i.email()).containsExactly(email.toLowerCase());
        assertThatThrownBy(() -> invitations.invite(email, Role.MEMBER)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("already has an open invitation");
        assertThatThrownBy(() -> invitations.invite(org.owner().email(), Role.MEMBER))
                .hasMessageContaining("is already a member");
        assertThatThrownBy(() -> invitations.invite("not-an-address", Role.MEMBER))
                .isInstanceOf(ValidationException.class);
        assertThat(actions(org)).contains("invitation.created");
    }

    @Test
    void members_individuals_and_other_organizations_cannot_invite_list_or_revoke() {
        Org org = orgs.create(Plan.TEAM, 1);
        Org other = orgs.create(Plan.TEAM, 0);
        Org pro = orgs.create(Plan.PRO, 0);
        IssuedInvitation issued = invite(org, newEmail("x"), Role.MEMBER);

        orgs.signIn(org.members().getFirst());
        assertThatThrownBy(() -> invitations.invite(newEmail("y"), Role.MEMBER))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> invitations.pending()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> invitations.revoke(issued.invitation().id()))
                .isInstanceOf(AccessDeniedException.class);
        orgs.signIn(pro.owner());
        assertThatThrownBy(() -> invitations.invite(newEmail("y"), Role.MEMBER))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("Team and Enterprise");
        orgs.signIn(other.owner());
        assertThat(invitations.pending()).isEmpty();
        assertThatThrownBy(() -> invitations.revoke(issued.invitation().id())).isInstanceOf(NotFoundException.class);
        orgs.signIn(org.owner());
        assertThat(invitations.pending()).hasSize(1);
    }

    @Test
    void a_new_person_accepts_once_and_the_link_then_says_it_was_used() {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = newEmail("newcomer");
        IssuedInvitation issued = invite(org, email, Role.MEMBER);

        InvitationPreview preview = invitations.preview(issued.token());
        assertThat(preview.state()).isEqualTo(InvitationPreview.State.OPEN);
        assertThat(preview.organizationName()).isEqualTo(org.name());
        assertThat(preview.visitor()).isEqualTo(InvitationPreview.Visitor.ANONYMOUS);
        assertThat(preview.accountExists()).isFalse();

        assertThatThrownBy(() -> invitations.acceptWithNewAccount(issued.token(), "Nia", "short", "short"))
                .isInstanceOf(ValidationException.class);
        assertThat(db.fetchCount(APP_USER, APP_USER.EMAIL.eq(email))).as("bad input stores nothing").isZero();

        invitations.acceptWithNewAccount(issued.token(), "Nia Newcomer", TestOrganizations.PASSWORD,
                TestOrganizations.PASSWORD);
        orgs.signIn(new Person(null, email, "Nia Newcomer"));
        assertThat(currentMember.require().orgId()).isEqualTo(org.id());
        assertThat(currentMember.require().role()).isEqualTo(Role.MEMBER);
        TestOrganizations.signOut();

        assertThat(invitations.preview(issued.token()).state()).isEqualTo(InvitationPreview.State.USED);
        assertThatThrownBy(() -> invitations.acceptWithNewAccount(issued.token(), "Again", TestOrganizations.PASSWORD,
                TestOrganizations.PASSWORD)).hasMessageContaining("already been used");
        assertThat(actions(org)).contains("invitation.created", "member.added", "invitation.accepted");
    }

    @Test
    void unknown_expired_and_revoked_links_say_so_and_admit_nobody() {
        Org org = orgs.create(Plan.TEAM, 0);
        IssuedInvitation expired = invite(org, newEmail("late"), Role.MEMBER);
        db.update(INVITATION).set(INVITATION.EXPIRES_AT, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1))
                .where(INVITATION.ID.eq(expired.invitation().id())).execute();
        IssuedInvitation revoked = invite(org, newEmail("withdrawn"), Role.MEMBER);
        orgs.signIn(org.owner());
        invitations.revoke(revoked.invitation().id());
        assertThatThrownBy(() -> invitations.revoke(revoked.invitation().id())).isInstanceOf(ValidationException.class);
        TestOrganizations.signOut();

        assertThat(invitations.preview("no-such-token").state()).isEqualTo(InvitationPreview.State.UNKNOWN);
        assertThat(invitations.preview(expired.token()).state()).isEqualTo(InvitationPreview.State.EXPIRED);
        assertThat(invitations.preview(revoked.token()).state()).isEqualTo(InvitationPreview.State.REVOKED);
        assertThatThrownBy(() -> invitations.acceptWithNewAccount("no-such-token", "A", TestOrganizations.PASSWORD,
                TestOrganizations.PASSWORD)).hasMessageContaining("not valid");
        assertThatThrownBy(() -> invitations.acceptWithNewAccount(expired.token(), "A", TestOrganizations.PASSWORD,
                TestOrganizations.PASSWORD)).hasMessageContaining("expired");
        assertThatThrownBy(() -> invitations.acceptWithNewAccount(revoked.token(), "A", TestOrganizations.PASSWORD,
                TestOrganizations.PASSWORD)).hasMessageContaining("withdrawn");
        assertThat(db.fetchCount(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(org.id()))).isEqualTo(1);
        assertThat(actions(org)).contains("invitation.revoked");
    }

    @Test
    void a_signed_in_person_with_another_email_is_refused_and_the_invited_one_joins() {
        Org org = orgs.create(Plan.TEAM, 0);
        Org elsewhere = orgs.create(Plan.TEAM, 1);
        Person invitedPerson = elsewhere.members().getFirst();
        IssuedInvitation issued = invite(org, invitedPerson.email(), Role.OWNER);

        orgs.signIn(elsewhere.owner());
        assertThat(invitations.preview(issued.token()).visitor()).isEqualTo(InvitationPreview.Visitor.SOMEONE_ELSE);
        assertThatThrownBy(() -> invitations.acceptAsSignedIn(issued.token()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("This invitation is for " + invitedPerson.email())
                .hasMessageContaining("you are signed in as " + elsewhere.owner().email());
        assertThat(invitations.preview(issued.token()).state()).isEqualTo(InvitationPreview.State.OPEN);

        orgs.signIn(invitedPerson);
        assertThat(invitations.preview(issued.token()).visitor())
                .isEqualTo(InvitationPreview.Visitor.INVITED_PERSON);
        assertThat(invitations.acceptAsSignedIn(issued.token())).isEqualTo(org.id());
        activeOrganization.switchTo(org.id());
        assertThat(currentMember.require().orgId()).isEqualTo(org.id());
        assertThat(currentMember.require().role()).isEqualTo(Role.OWNER);
        assertThat(invitations.preview(issued.token()).state()).isEqualTo(InvitationPreview.State.USED);
    }

    // ------------------------------------------------------------------ roles and removal

    @Test
    void owner_changes_a_role_members_cannot_and_other_organizations_find_nobody() {
        Org org = orgs.create(Plan.TEAM, 2);
        Org other = orgs.create(Plan.TEAM, 0);
        Person mia = org.members().get(0);

        orgs.signIn(mia);
        assertThatThrownBy(() -> organizations.changeRole(org.members().get(1).id(), Role.OWNER, organizations.member(org.members().get(1).id()).version()))
                .isInstanceOf(AccessDeniedException.class);
        orgs.signIn(other.owner());
        assertThatThrownBy(() -> organizations.changeRole(mia.id(), Role.OWNER, organizations.member(mia.id()).version()))
                .isInstanceOf(NotFoundException.class);

        orgs.signIn(org.owner());
        organizations.changeRole(mia.id(), Role.OWNER, organizations.member(mia.id()).version());
        assertThat(organizations.member(mia.id()).role()).isEqualTo(Role.OWNER);
        orgs.signIn(mia);
        assertThat(currentMember.require().isOwner()).as("takes effect at once, without signing in again").isTrue();
        organizations.changeRole(mia.id(), Role.MEMBER, organizations.member(mia.id()).version());
        assertThatThrownBy(() -> currentMember.requireOwner()).isInstanceOf(AccessDeniedException.class);
        assertThat(actions(org)).containsSubsequence("member.role_changed", "member.role_changed");
    }

    @Test
    void the_last_owner_can_be_neither_demoted_nor_removed() {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> organizations.changeRole(org.owner().id(), Role.MEMBER, organizations.member(org.owner().id()).version()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("is the only owner of " + org.name());
        assertThatThrownBy(() -> organizations.removeMember(org.owner().id()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("Make someone else an owner first");
        assertThat(organizations.member(org.owner().id()).role()).isEqualTo(Role.OWNER);

        organizations.changeRole(org.members().getFirst().id(), Role.OWNER, organizations.member(org.members().getFirst().id()).version());
        organizations.changeRole(org.owner().id(), Role.MEMBER, organizations.member(org.owner().id()).version());
        orgs.signIn(org.members().getFirst());
        assertThat(organizations.memberPage(null, null, 200).items()).filteredOn(m -> m.role() == Role.OWNER).extracting(MemberSummary::email)
                .containsExactly(org.members().getFirst().email());
    }

    @Test
    void removing_a_member_ends_their_connections_and_revokes_their_tokens_at_the_server() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Person leaving = org.members().get(0);
        Person staying = org.members().get(1);
        Connector c = addConnector(org);
        connect(leaving, c);
        connect(staying, c);
        orgs.signIn(leaving);
        String access = storedTokens.accessToken(c.id());
        String refresh = IDP.authorizations().findByToken(access, OAuth2TokenType.ACCESS_TOKEN).getRefreshToken()
                .getToken().getTokenValue();
        TestOrganizations.signOut();

        orgs.signIn(staying);
        assertThatThrownBy(() -> organizations.removeMember(leaving.id())).isInstanceOf(AccessDeniedException.class);
        orgs.signIn(orgs.create(Plan.TEAM, 0).owner());
        assertThatThrownBy(() -> organizations.removeMember(leaving.id())).isInstanceOf(NotFoundException.class);

        orgs.signIn(org.owner());
        organizations.removeMember(leaving.id());
        assertThat(db.fetchCount(CONNECTION, CONNECTION.USER_ID.eq(leaving.id()))).isZero();
        assertThat(db.fetchCount(CONNECTION, CONNECTION.USER_ID.eq(staying.id()))).isEqualTo(1);
        long deadline = System.currentTimeMillis() + 60_000; // background work: a bound only a hang reaches
        // this member's two tokens (a count of all revocations at the shared provider would also count another
        // test's, still running in the background)
        while (!(IDP.revocationRequested(refresh) && IDP.revocationRequested(access))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(IDP.revocationRequested(refresh)).as("refresh token revoked").isTrue();
        assertThat(IDP.revocationRequested(access)).as("access token revoked").isTrue();
        while (!actions(org).contains("connection.revocation") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(actions(org)).containsSubsequence("member.removed", "connection.ended", "connection.revocation");

        orgs.signIn(leaving);
        assertThatThrownBy(() -> currentMember.require()).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("does not belong to any organization");
    }

    // ------------------------------------------------------------------ switching organization

    @Test
    void switching_organization_scopes_every_service_to_the_active_one() {
        Org a = orgs.create(Plan.TEAM, 1);
        Org b = orgs.create(Plan.TEAM, 0);
        Person both = a.owner();
        Connector inA = addConnector(a);
        Connector inB = addConnector(b);
        orgs.signIn(b.owner());
        IssuedInvitation toB = invitations.invite(both.email(), Role.MEMBER);
        orgs.signIn(both);
        invitations.acceptAsSignedIn(toB.token());

        // active: a (an owner there)
        assertThat(activeOrganization.choices()).hasSize(2);
        assertThat(organizations.current().id()).isEqualTo(a.id());
        assertThat(organizations.memberPage(null, null, 200).items()).extracting(MemberSummary::email).contains(a.members().getFirst().email());
        assertThat(connectors.list()).extracting(Connector::id).containsExactly(inA.id());
        assertThat(connections.list()).extracting(MemberConnector::id).containsExactly(inA.id());
        assertThat(overview.page(null, null, 50).rows()).extracting(r -> r.connectorId()).containsOnly(inA.id());

        activeOrganization.switchTo(b.id());
        assertThat(currentMember.require().orgId()).isEqualTo(b.id());
        assertThat(currentMember.require().role()).isEqualTo(Role.MEMBER);
        assertThat(organizations.current().id()).isEqualTo(b.id());
        assertThat(connections.list()).extracting(MemberConnector::id).containsExactly(inB.id());
        assertThatThrownBy(() -> organizations.memberPage(null, null, 200)).as("a member in b").isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.list()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> overview.page(null, null, 50)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> invitations.pending()).isInstanceOf(AccessDeniedException.class);
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(b.id())
                .and(AUDIT_EVENT.ACTION.eq("session.organization_switched")))).isEqualTo(1);

        Org stranger = orgs.create(Plan.TEAM, 0);
        assertThatThrownBy(() -> activeOrganization.switchTo(stranger.id())).isInstanceOf(NotFoundException.class);
        assertThat(currentMember.require().orgId()).as("a refused switch changes nothing").isEqualTo(b.id());

        activeOrganization.switchTo(a.id());
        assertThat(connectors.list()).extracting(Connector::id).containsExactly(inA.id());
    }

    // ------------------------------------------------------------------ the connections overview

    @Test
    void owners_overview_shows_every_member_and_connector_pages_each_pair_once_and_others_see_nothing()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 6);
        Connector one = addConnector(org);
        Connector two = addConnector(org, 1);
        Person connected = org.members().getFirst();
        connect(connected, one);
        orgs.signIn(connected);
        assertThat(connections.checkNow(one.id()).state()).isEqualTo(MemberConnector.State.CONNECTED);

        orgs.signIn(org.owner());
        ConnectionOverview.Counts counts = overview.counts();
        assertThat(counts.of(OverviewState.CONNECTED)).isEqualTo(1);
        assertThat(counts.of(OverviewState.NEVER_CONNECTED)).isEqualTo(7 * 2 - 1);

        Set<String> seen = new HashSet<>();
        List<ConnectionOverview.Row> all = new ArrayList<>();
        ConnectionOverview.Cursor cursor = null;
        int pages = 0;
        do {
            ConnectionOverview.Page page = overview.page(ConnectionOverview.Filter.NONE, cursor, 3);
            for (ConnectionOverview.Row r : page.rows()) {
                assertThat(seen.add(r.memberEmail() + "/" + r.connectorId())).as("each pair once").isTrue();
                all.add(r);
            }
            cursor = page.next();
            pages++;
        } while (cursor != null);
        assertThat(all).hasSize(14);
        assertThat(pages).isEqualTo(5);
        ConnectionOverview.Row row = all.stream().filter(r -> r.userId().equals(connected.id())
                && r.connectorId().equals(one.id())).findFirst().orElseThrow();
        assertThat(row.state()).isEqualTo(OverviewState.CONNECTED);
        assertThat(row.scopes()).contains("mcp");
        assertThat(row.expiresAt()).isNotNull();
        assertThat(row.lastUsedAt()).as("the check used the token successfully").isNotNull();
        assertThat(all).filteredOn(r -> r.state() == OverviewState.NEVER_CONNECTED)
                .allSatisfy(r -> assertThat(r.lastUsedAt()).isNull());

        List<ConnectionOverview.Row> never = new ArrayList<>();
        ConnectionOverview.Filter neverConnected = new ConnectionOverview.Filter(null, null,
                OverviewState.NEVER_CONNECTED);
        cursor = null;
        do {
            ConnectionOverview.Page page = overview.page(neverConnected, cursor, 4);
            never.addAll(page.rows());
            cursor = page.next();
        } while (cursor != null);
        assertThat(never).as("keyset pages of a filter walked in member chunks").hasSize(13)
                .doesNotHaveDuplicates().allSatisfy(r -> assertThat(r.state()).isEqualTo(OverviewState.NEVER_CONNECTED));
        assertThat(never).isSortedAccordingTo(java.util.Comparator.comparing(ConnectionOverview.Row::memberEmail)
                .thenComparing(ConnectionOverview.Row::connectorName));
        assertThat(overview.page(new ConnectionOverview.Filter(null, null, OverviewState.CONNECTED), null, 50)
                .rows()).extracting(ConnectionOverview.Row::userId).containsExactly(connected.id());
        assertThat(overview.page(new ConnectionOverview.Filter(connected.email().toUpperCase(), two.id(), null),
                null, 50).rows()).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(OverviewState.NEVER_CONNECTED));
        assertThat(overview.page(new ConnectionOverview.Filter("%", null, null), null, 50).rows())
                .as("taken literally").isEmpty();

        orgs.signIn(connected);
        assertThatThrownBy(() -> overview.page(null, null, 50)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> overview.requestReconnect(one.id(), connected.id()))
                .isInstanceOf(AccessDeniedException.class);
        orgs.signIn(orgs.create(Plan.TEAM, 0).owner());
        assertThat(overview.page(null, null, 50).rows()).isEmpty();
        assertThatThrownBy(() -> overview.requestReconnect(one.id(), connected.id()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void an_owner_asks_a_member_to_reconnect_the_member_sees_it_until_they_do() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person mia = org.members().getFirst();
        Connector c = addConnector(org);
        connect(mia, c);

        orgs.signIn(org.owner());
        overview.requestReconnect(c.id(), mia.id());
        assertThat(overview.page(null, null, 50).rows()).filteredOn(r -> r.userId().equals(mia.id()))
                .singleElement().satisfies(r -> assertThat(r.reconnectRequestedAt()).isNotNull());
        assertThat(actions(org)).contains("connection.reconnect_requested");

        orgs.signIn(mia);
        assertThat(overview.myReconnectRequests()).containsOnlyKeys(c.id());
        orgs.signIn(org.owner());
        assertThat(overview.myReconnectRequests()).as("only the member's own").isEmpty();

        connect(mia, c);
        orgs.signIn(mia);
        assertThat(overview.myReconnectRequests()).as("answered by reconnecting").isEmpty();
    }

    // ------------------------------------------------------------------ single sign-on

    @Test
    void the_sign_in_page_offers_the_configured_provider() {
        assertThat(signInOptions.ssoProviders()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo(PROVIDER_NAME);
            assertThat(p.path()).isEqualTo("oauth2/authorization/local");
        });
    }

    @Test
    void first_sso_sign_in_joins_the_inviting_organization_and_consumes_the_invitation() {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = newEmail("sso-newcomer");
        IssuedInvitation issued = invite(org, email, Role.MEMBER);
        String subject = "sub-" + UUID.randomUUID();
        IDP.signInAs(new TestAuthorizationServer.Person(subject, email, "Sam Single", true));

        SignInResult result = signInThroughProvider();
        assertThat(result.signedIn()).as(result.finalLocation()).isTrue();
        var user = db.selectFrom(APP_USER).where(APP_USER.EMAIL.eq(email)).fetchSingle();
        assertThat(user.getDisplayName()).isEqualTo("Sam Single");
        assertThat(user.getPasswordHash()).as("no password for an SSO account").isNull();
        assertThat(db.fetchCount(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(org.id())
                .and(MEMBERSHIP.USER_ID.eq(user.getId())).and(MEMBERSHIP.ROLE.eq("MEMBER")))).isEqualTo(1);
        assertThat(db.fetchCount(SSO_IDENTITY, SSO_IDENTITY.SUBJECT.eq(subject)
                .and(SSO_IDENTITY.ISSUER.eq(IDP.issuer())))).isEqualTo(1);
        assertThat(invitations.preview(issued.token()).state()).isEqualTo(InvitationPreview.State.USED);
        assertThat(actions(org)).contains("sso.identity_linked", "member.added", "invitation.accepted",
                "session.signed_in");
        // the ID token is kept for enterprise-managed connections: sealed, with its expiry, never in clear
        var assertion = db.selectFrom(SSO_ASSERTION).where(SSO_ASSERTION.USER_ID.eq(user.getId())).fetchSingle();
        assertThat(assertion.getIssuer()).isEqualTo(IDP.issuer());
        assertThat(assertion.getExpiresAt().toInstant()).isAfter(java.time.Instant.now());
        assertThat(new String(assertion.getIdToken(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("eyJ");

        assertThat(signInThroughProvider().signedIn()).as("the second time, by the known identity").isTrue();
    }

    @Test
    void sso_without_an_invitation_or_a_verified_email_is_refused_and_creates_nothing() {
        String email = newEmail("uninvited");
        IDP.signInAs(new TestAuthorizationServer.Person("sub-" + UUID.randomUUID(), email, "Uri", true));
        assertThat(signInThroughProvider().finalLocation()).endsWith("/login?error");
        assertThat(db.fetchCount(APP_USER, APP_USER.EMAIL.eq(email))).isZero();

        Org org = orgs.create(Plan.TEAM, 0);
        String unverified = newEmail("unverified");
        invite(org, unverified, Role.MEMBER);
        IDP.signInAs(new TestAuthorizationServer.Person("sub-" + UUID.randomUUID(), unverified, "Una", false));
        assertThat(signInThroughProvider().finalLocation()).endsWith("/login?error");
        assertThat(db.fetchCount(APP_USER, APP_USER.EMAIL.eq(unverified))).isZero();
    }

    @Test
    void sso_is_not_linked_to_an_existing_password_account_unless_its_organization_requires_sso() {
        Org org = orgs.create(Plan.TEAM, 1);
        Person mia = org.members().getFirst();
        IDP.signInAs(new TestAuthorizationServer.Person("sub-" + UUID.randomUUID(), mia.email(), "Mia", true));
        assertThat(signInThroughProvider().finalLocation()).endsWith("/login?error");
        assertThat(db.fetchCount(SSO_IDENTITY, SSO_IDENTITY.USER_ID.eq(mia.id()))).isZero();
    }

    @Test
    void an_sso_required_organization_refuses_local_passwords_and_its_members_sign_in_through_sso() {
        Org org = orgs.create(Plan.TEAM, 1);
        Person mia = org.members().getFirst();
        orgs.signIn(mia);
        assertThatThrownBy(() -> organizations.setSsoRequired(true)).isInstanceOf(AccessDeniedException.class);
        orgs.signIn(org.owner());
        organizations.setSsoRequired(true);
        assertThatThrownBy(() -> organizations.ssoRequired()).as("the owner's own password session ends too")
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("requires single sign-on");
        TestOrganizations.signOut();

        assertThatThrownBy(() -> orgs.signIn(mia)).isInstanceOf(SsoRequiredException.class)
                .hasMessageContaining(org.name() + " requires single sign-on");
        assertThatThrownBy(() -> orgs.signIn(org.owner())).isInstanceOf(SsoRequiredException.class);
        assertThat(actions(org)).contains("organization.sso_required_changed", "session.password_refused");

        IDP.signInAs(new TestAuthorizationServer.Person("sub-" + UUID.randomUUID(), mia.email(), "Mia", true));
        assertThat(signInThroughProvider().signedIn()).isTrue();
        assertThat(db.fetchCount(SSO_IDENTITY, SSO_IDENTITY.USER_ID.eq(mia.id()))).isEqualTo(1);
    }
}
