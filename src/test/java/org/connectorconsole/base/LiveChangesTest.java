package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.connectorconsole.security.LiveUpdates;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Live updates through PostgreSQL's NOTIFY: they cross console instances (two listeners on one database), arrive on
 * commit and never for a rolled-back change, and reach only the organization (and member) they are for.
 */
@IntegrationTest
class LiveChangesTest {

    @Autowired
    LiveChanges live;
    @Autowired
    LiveUpdates updates;
    @Autowired
    DSLContext dsl;
    @Autowired
    DataSource dataSource;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    TestOrganizations orgs;

    private LiveChanges other;

    @BeforeEach
    void listening() {
        awaitTrue(live::listening, "the console's listener to LISTEN");
    }

    @AfterEach
    void stopOther() {
        if (other != null) {
            other.stop();
        }
        TestOrganizations.signOut();
    }

    @Test
    void a_change_committed_on_one_instance_reaches_another_and_a_rolled_back_one_never_does() throws Exception {
        other = new LiveChanges(dsl, dataSource);
        other.start();
        awaitTrue(other::listening, "the second instance's listener to LISTEN");
        OrganizationId org = OrganizationId.random();
        BlockingQueue<LiveChange> heard = new LinkedBlockingQueue<>();
        other.subscribe(org, null, heard::add);

        LiveChange removed = LiveChange.forOrganization(org, LiveTopic.CONNECTORS);
        BlockingQueue<LiveChange> beforeCommit = new LinkedBlockingQueue<>();
        tx.executeWithoutResult(s -> {
            live.publish(removed);
            // still inside the transaction: nothing has been delivered yet
            beforeCommit.addAll(heard);
        });
        assertThat(beforeCommit).isEmpty();
        assertThat(heard.poll(60, TimeUnit.SECONDS)).isEqualTo(removed);

        LiveChange rolledBack = LiveChange.forOrganization(org, LiveTopic.TOOLS);
        tx.executeWithoutResult(s -> {
            live.publish(rolledBack);
            s.setRollbackOnly();
        });
        LiveChange after = LiveChange.forOrganization(org, LiveTopic.MEMBERS);
        live.publish(after);
        // one listener connection delivers in commit order, one subscriber's changes in that order: the next change
        // heard is the one after the rolled-back one
        assertThat(heard.poll(60, TimeUnit.SECONDS)).isEqualTo(after);
        assertThat(heard).isEmpty();
    }

    @Test
    void a_member_hears_their_organization_and_their_own_changes_only() throws Exception {
        Org mine = orgs.create(Plan.TEAM, 2);
        Org another = orgs.create(Plan.TEAM, 1);
        UserId me = mine.members().get(0).id();
        UserId colleague = mine.members().get(1).id();
        BlockingQueue<LiveChange> heard = new LinkedBlockingQueue<>();
        orgs.signIn(mine.members().get(0));
        LiveChanges.Subscription subscription = updates.subscribe(heard::add);
        TestOrganizations.signOut();
        BlockingQueue<LiveChange> owner = new LinkedBlockingQueue<>();
        orgs.signIn(mine.owner());
        LiveChanges.Subscription ownerSubscription = updates.subscribe(owner::add);
        TestOrganizations.signOut();

        live.publish(LiveChange.forOrganization(another.id(), LiveTopic.CONNECTORS));
        live.publish(LiveChange.forMember(another.id(), me, LiveTopic.CONNECTIONS));
        live.publish(LiveChange.forMember(mine.id(), colleague, LiveTopic.TOOL_CALLS));
        LiveChange forAll = LiveChange.forOrganization(mine.id(), LiveTopic.CONNECTORS);
        LiveChange forMe = LiveChange.forMember(mine.id(), me, LiveTopic.CONNECTIONS);
        live.publish(forAll);
        live.publish(forMe);

        assertThat(heard.poll(60, TimeUnit.SECONDS)).isEqualTo(forAll);
        assertThat(heard.poll(60, TimeUnit.SECONDS)).isEqualTo(forMe);
        assertThat(heard).as("another organization's changes and a colleague's own").isEmpty();
        // an owner hears every member's changes in their organization, still none of another organization's
        assertThat(owner.poll(60, TimeUnit.SECONDS))
                .isEqualTo(LiveChange.forMember(mine.id(), colleague, LiveTopic.TOOL_CALLS));
        assertThat(owner.poll(60, TimeUnit.SECONDS)).isEqualTo(forAll);
        assertThat(owner.poll(60, TimeUnit.SECONDS)).isEqualTo(forMe);
        assertThat(owner).isEmpty();

        int open = live.subscriberCount();
        subscription.close();
        ownerSubscription.close();
        subscription.close();
        assertThat(live.subscriberCount()).isEqualTo(open - 2);
    }

    @Test
    void an_audited_change_is_told_on_commit() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        BlockingQueue<LiveChange> heard = new LinkedBlockingQueue<>();
        LiveChanges.Subscription s = live.subscribe(org.id(), null, heard::add);
        try {
            orgs.signIn(org.owner());
            org.connectorconsole.connector.ConnectorService connectors = connectorService();
            var added = connectors.add(new org.connectorconsole.connector.ConnectorForm("Acme",
                    "https://mcp.acme.example/mcp", null, null, false));
            assertThat(heard.poll(60, TimeUnit.SECONDS))
                    .isEqualTo(LiveChange.forOrganization(org.id(), LiveTopic.CONNECTORS));
            connectors.setEnabled(added.id(), added.version(), false);
            assertThat(heard.poll(60, TimeUnit.SECONDS))
                    .isEqualTo(LiveChange.forOrganization(org.id(), LiveTopic.CONNECTORS));
        } finally {
            s.close();
        }
    }

    @Test
    void a_listener_stopped_and_started_again_delivers_each_change_once() throws Exception {
        // Spring stops a paused context's lifecycle beans and starts them again when a test uses it once more
        other = new LiveChanges(dsl, dataSource);
        other.start();
        awaitTrue(other::listening, "the listener to LISTEN");
        other.stop();
        other.start();
        awaitTrue(other::listening, "the listener to LISTEN again");
        OrganizationId org = OrganizationId.random();
        BlockingQueue<LiveChange> heard = new LinkedBlockingQueue<>();
        other.subscribe(org, null, heard::add);
        LiveChange first = LiveChange.forOrganization(org, LiveTopic.CONNECTORS);
        LiveChange second = LiveChange.forOrganization(org, LiveTopic.TOOLS);
        live.publish(first);
        live.publish(second);
        assertThat(heard.poll(60, TimeUnit.SECONDS)).isEqualTo(first);
        assertThat(heard.poll(60, TimeUnit.SECONDS)).as("once: one listener after the restart").isEqualTo(second);
        assertThat(heard).isEmpty();
    }

    @Test
    void payloads_not_ours_are_ignored() {
        assertThat(LiveChange.parse("hello")).isEmpty();
        assertThat(LiveChange.parse("1;not-a-uuid;CONNECTORS;-")).isEmpty();
        assertThat(LiveChange.parse("1;" + OrganizationId.random() + ";RESYNC;-")).isEmpty();
        LiveChange c = LiveChange.forMember(OrganizationId.random(), UserId.random(), LiveTopic.TOOL_CALLS);
        assertThat(LiveChange.parse(c.payload())).contains(c);
    }

    @Autowired
    org.springframework.context.ApplicationContext context;

    private org.connectorconsole.connector.ConnectorService connectorService() {
        return context.getBean(org.connectorconsole.connector.ConnectorService.class);
    }

    /** Waits for a condition of the system (not for time): up to 60 s, ending as soon as it holds. */
    static void awaitTrue(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
