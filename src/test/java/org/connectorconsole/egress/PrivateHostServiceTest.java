package org.connectorconsole.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

@IntegrationTest
class PrivateHostServiceTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    PrivateHostService hosts;
    @Autowired
    Egress egress;
    @Autowired
    DSLContext db;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void owner_allows_and_removes_a_private_host_and_both_are_audited() {
        var org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        hosts.allow("  MCP.Intranet.Example ");
        assertThat(hosts.list()).containsExactly("mcp.intranet.example");
        assertThat(egress.forOrganization(org.id()))
                .as("the organization's outbound client carries its allowance, and is not the default one")
                .isSameAs(egress.withPrivateHosts(java.util.Set.of("mcp.intranet.example")))
                .isNotSameAs(egress.withPrivateHosts(java.util.Set.of()));
        assertThatThrownBy(() -> hosts.allow("mcp.intranet.example")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("already allowed");
        hosts.remove("mcp.intranet.example");
        assertThat(hosts.list()).isEmpty();
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.in("egress.private_host_allowed", "egress.private_host_removed"))))
                .isEqualTo(2);
    }

    @Test
    void addresses_and_this_machine_cannot_be_allowed() {
        var org = orgs.create(Plan.PRO, 0);
        orgs.signIn(org.owner());
        for (String bad : new String[] {"10.0.0.1", "localhost", "https://x.example/", "", "bad host"}) {
            assertThatThrownBy(() -> hosts.allow(bad)).as(bad).isInstanceOf(ValidationException.class);
        }
        assertThat(hosts.list()).isEmpty();
    }

    @Test
    void members_and_other_organizations_get_nothing() {
        var acme = orgs.create(Plan.TEAM, 1);
        orgs.signIn(acme.owner());
        hosts.allow("acme.intranet.example");
        orgs.signIn(acme.members().getFirst());
        assertThatThrownBy(() -> hosts.list()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> hosts.allow("x.example")).isInstanceOf(AccessDeniedException.class);
        var other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(other.owner());
        assertThat(hosts.list()).isEmpty();
        assertThatThrownBy(() -> hosts.remove("acme.intranet.example")).isInstanceOf(NotFoundException.class);
        orgs.signIn(acme.owner());
        assertThat(hosts.list()).containsExactly("acme.intranet.example");
    }

    @Autowired
    EgressProperties properties;
    @Autowired
    PrivateHostRepository privateHostRepository;
    @Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void clients_of_allowances_nobody_uses_any_more_are_closed() {
        Egress own = new Egress(properties, context.getBeanProvider(HostResolver.class), privateHostRepository);
        try {
            own.withPrivateHosts(java.util.Set.of("old.intranet.example"));
            EgressClient current = own.withPrivateHosts(java.util.Set.of());
            assertThat(own.clientCount()).isEqualTo(2);
            assertThat(own.closeIdle(java.time.Duration.ofHours(1))).as("recently used: kept").isZero();
            assertThat(own.closeIdle(java.time.Duration.ZERO)).isEqualTo(2);
            assertThat(own.clientCount()).isZero();
            assertThat(own.withPrivateHosts(java.util.Set.of())).as("a fresh client after closing")
                    .isNotSameAs(current);
        } finally {
            own.destroy();
        }
    }
}
