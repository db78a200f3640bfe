package org.connectorconsole.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.security.Role;
import org.connectorconsole.support.BulkRows;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

/**
 * The Members and Connectors pages read their lists a page at a time (keyset): walking every page gives each row
 * once, in the page's order, also when rows share a name or one is removed between two pages; search matches name,
 * e-mail address or URL case-insensitively and takes wildcards literally; bad paging input is refused by name.
 */
@IntegrationTest
class ListPagingTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    OrganizationService organizations;
    @Autowired
    ConnectorService connectors;
    @Autowired
    DSLContext db;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private void addMembers(Org org, int count) {
        BulkRows.members(db, org, count);
    }

    private static <T> List<T> walk(Function<T, ListPage<T>> next) {
        List<T> all = new ArrayList<>();
        ListPage<T> page = next.apply(null);
        all.addAll(page.items());
        while (page.hasMore()) {
            page = next.apply(all.getLast());
            assertThat(page.items()).as("a page after 'more'").isNotEmpty();
            all.addAll(page.items());
        }
        return all;
    }

    @Test
    void every_member_once_in_order_owners_first_page_by_page() {
        Org org = orgs.create(Plan.TEAM, 2);
        addMembers(org, 130);
        Org other = orgs.create(Plan.TEAM, 3);
        orgs.signIn(org.owner());

        List<MemberSummary> all = walk(after -> organizations.memberPage(null, after, 50));
        assertThat(all).hasSize(133);
        assertThat(new HashSet<>(all.stream().map(MemberSummary::userId).toList())).hasSize(133);
        assertThat(all.getFirst().userId()).isEqualTo(org.owner().id());
        assertThat(all.subList(1, all.size())).allMatch(m -> m.role() == Role.MEMBER);
        // the order of the people themselves (not of the membership's copy), read independently: owners first,
        // then name, address and id in the database's collation; and the same walked 7 at a time
        List<String> truth = db.fetch("select u.id from membership m join app_user u on u.id = m.user_id "
                + "where m.org_id = ? order by m.role <> 'OWNER', u.display_name, u.email, u.id", org.id().value())
                .getValues(0, String.class);
        assertThat(all).extracting(m -> m.userId().value().toString()).isEqualTo(truth);
        assertThat(ListPagingTest.<MemberSummary>walk(after -> organizations.memberPage(null, after, 7))).isEqualTo(all);
        assertThat(all).extracting(MemberSummary::email)
                .noneMatch(e -> other.members().stream().anyMatch(p -> p.email().equals(e)));
        assertThat(organizations.memberCounts()).isEqualTo(new MemberCounts(133, 1));

        // pages of 50: the first two full, "more" until the last
        ListPage<MemberSummary> first = organizations.memberPage(null, null, 50);
        assertThat(first.items()).hasSize(50);
        assertThat(first.hasMore()).isTrue();
        ListPage<MemberSummary> last = organizations.memberPage(null, all.get(99), 50);
        assertThat(last.items()).hasSize(33).isEqualTo(all.subList(100, 133));
        assertThat(last.hasMore()).isFalse();
    }

    @Test
    void a_member_removed_between_two_pages_makes_nobody_skip_a_place() {
        Org org = orgs.create(Plan.TEAM, 0);
        addMembers(org, 60);
        orgs.signIn(org.owner());
        List<MemberSummary> before = organizations.memberPage(null, null, 200).items();
        ListPage<MemberSummary> first = organizations.memberPage(null, null, 20);
        organizations.removeMember(first.items().get(5).userId());
        ListPage<MemberSummary> second = organizations.memberPage(null, first.items().getLast(), 20);
        assertThat(second.items()).as("the page after a removal (offset paging would skip one)")
                .isEqualTo(before.subList(20, 40));
    }

    @Test
    void the_order_follows_a_rename_an_address_change_and_a_role_change_at_once() {
        Org org = orgs.create(Plan.TEAM, 3);
        orgs.signIn(org.owner());
        TestOrganizations.Person last = org.members().get(2);
        // renamed (as the account page does, by updating the person): first among the members
        db.execute("update app_user set display_name = 'Aaron First' where id = ?", last.id().value());
        List<MemberSummary> page = organizations.memberPage(null, null, 5).items();
        assertThat(page.get(1).displayName()).isEqualTo("Aaron First");
        assertThat(organizations.memberPage("aaron", null, 5).items()).extracting(MemberSummary::userId)
                .containsExactly(last.id());
        // a new address is found by search, the old one no more
        db.execute("update app_user set email = 'renamed-" + org.id() + "@test.example' where id = ?",
                last.id().value());
        assertThat(organizations.memberPage("renamed-" + org.id(), null, 5).items()).hasSize(1);
        assertThat(organizations.memberPage(last.email(), null, 5).items()).isEmpty();
        // made an owner: among the owners, before every member
        MemberSummary m = organizations.member(org.members().get(1).id());
        organizations.changeRole(m.userId(), Role.OWNER, m.version());
        assertThat(organizations.memberPage(null, null, 3).items()).extracting(MemberSummary::role)
                .containsExactly(Role.OWNER, Role.OWNER, Role.MEMBER);
        // the copy cannot be set to anything but the truth
        db.execute("update membership set list_name = 'Zed', list_rank = 1 where user_id = ?", m.userId().value());
        assertThat(organizations.memberPage(null, null, 3).items()).extracting(MemberSummary::userId)
                .contains(m.userId());
        assertThat(db.fetchValue("select list_name from membership where user_id = ?", m.userId().value()))
                .isEqualTo(org.members().get(1).name());
    }

    @Test
    void search_matches_name_or_address_case_insensitively_and_takes_wildcards_literally() {
        Org org = orgs.create(Plan.TEAM, 1);
        addMembers(org, 30);
        orgs.signIn(org.owner());
        assertThat(organizations.memberPage("100%", null, 50).items()).extracting(MemberSummary::displayName)
                .containsExactly("100% Dev");
        assertThat(organizations.memberPage("%", null, 50).items()).extracting(MemberSummary::displayName)
                .containsExactly("100% Dev");
        assertThat(organizations.memberPage("_", null, 50).items()).extracting(MemberSummary::displayName)
                .containsExactly("Under_score");
        assertThat(organizations.memberPage("  PERSON 3 ", null, 50).items()).extracting(MemberSummary::displayName)
                .containsOnly("Person 3").hasSize(3);
        String owner = org.owner().email();
        assertThat(organizations.memberPage(owner.toUpperCase(), null, 50).items()).extracting(MemberSummary::email)
                .containsExactly(owner);
        assertThat(organizations.memberPage("nobody-here", null, 50).items()).isEmpty();
        // paging inside a search
        List<MemberSummary> people = walk(after -> organizations.memberPage("person", after, 4));
        assertThat(people).hasSize(28).extracting(MemberSummary::displayName).allMatch(n -> n.startsWith("Person"));
    }

    @Test
    void bad_paging_input_is_refused_by_name_and_only_owners_may_read() {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> organizations.memberPage("x".repeat(101), null, 50))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.fieldErrors())
                        .containsEntry("search", "Search for at most 100 characters."));
        assertThatThrownBy(() -> organizations.memberPage("a\u0000b", null, 50))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.fieldErrors())
                        .containsKey("search"));
        for (int limit : new int[] {0, -1, 201}) {
            assertThatThrownBy(() -> organizations.memberPage(null, null, limit))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.fieldErrors())
                            .containsEntry("limit", "Ask for 1 to 200 rows at a time."));
            assertThatThrownBy(() -> connectors.page(null, null, limit)).isInstanceOf(ValidationException.class);
        }
        orgs.signIn(org.members().getFirst());
        assertThatThrownBy(() -> organizations.memberCounts()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.page(null, null, 50)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void every_connector_once_by_name_with_search_by_name_or_url() {
        Org org = orgs.create(Plan.TEAM, 0);
        Org other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(other.owner());
        connectors.add(ConnectorForm.of("Same name", "https://other-org.example/mcp"));
        orgs.signIn(org.owner());
        String tag = org.id().toString().substring(0, 8);
        BulkRows.connectors(db, org, 110);
        connectors.add(ConnectorForm.of("Fifty_Fifty 50%", "https://percent.example/mcp"));

        List<Connector> all = walk(after -> connectors.page(null, after, 50));
        assertThat(all).hasSize(111);
        // read independently; and walked 4 at a time, so page ends fall inside the 27 of the same name
        List<String> truth = db.fetch("select id from connector where org_id = ? order by name, created_at, id",
                org.id().value()).getValues(0, String.class);
        assertThat(all).extracting(c -> c.id().value().toString()).isEqualTo(truth);
        assertThat(ListPagingTest.<Connector>walk(after -> connectors.page(null, after, 4))).isEqualTo(all);
        assertThat(new HashSet<>(all.stream().map(Connector::id).toList())).hasSize(111);
        assertThat(all).extracting(Connector::url).noneMatch(u -> u.contains("other-org"));
        assertThat(connectors.count()).isEqualTo(111);
        assertThat(connectors.page("SAME NAME", null, 50).items()).hasSize(27)
                .allMatch(c -> c.name().equals("Same name"));
        assertThat(connectors.page("c7-" + tag, null, 50).items()).extracting(Connector::name)
                .containsExactly("Tools 7");
        assertThat(connectors.page("0%", null, 50).items()).extracting(Connector::name)
                .containsExactly("Fifty_Fifty 50%");
        assertThat(connectors.page("y_f", null, 50).items()).extracting(Connector::name)
                .containsExactly("Fifty_Fifty 50%");
        assertThatThrownBy(() -> connectors.page("a\nb", null, 50)).isInstanceOf(ValidationException.class);
    }
}
