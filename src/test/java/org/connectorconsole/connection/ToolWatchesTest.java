package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ConversationTool;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestMcpServer.Speaks;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A connector members use is watched for tool list changes (a {@code subscriptions/listen} stream in 2026-07-28, an
 * open session in 2025-11-25), so a tool the server changes is held for review when the server announces it, before
 * anyone lists the tools again; at most {@code console.tools.watch.max} connectors at once. A listing the server
 * gives a time to live is not asked for again within it, until the server announces a change.
 */
@IntegrationTest
@TestPropertySource(properties = {"console.tools.watch.max=3", "console.tools.watch.pause=2s"})
class ToolWatchesTest {

    static TestMcpServer mcp;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;
    @Autowired
    ToolWatches watches;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer();
        for (Speaks speaks : Speaks.values()) {
            switch (speaks) {
                case ONLY_2026_07_28 -> mcp.modern(path(speaks), "watched-" + speaks, TestTool.echo());
                case ONLY_2025_11_25 -> mcp.classicOnly(path(speaks), "watched-" + speaks, TestTool.echo());
                case BOTH -> mcp.bothRevisions(path(speaks), "watched-" + speaks, TestTool.echo());
            }
        }
        mcp.modern("/ttl", "kept-for-a-minute", TestTool.echo());
        mcp.toolListTtl("/ttl", 60_000L);
        for (int i = 0; i < 4; i++) {
            mcp.modern("/many-" + i, "one-of-many", TestTool.echo());
        }
    }

    @AfterAll
    static void stop() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private static String path(Speaks speaks) {
        return "/" + speaks.name().toLowerCase().replace('_', '-');
    }

    private static <T> T await(Callable<T> value, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T v = value.call();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = value.call();
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(Speaks.class)
    void a_tool_the_server_changes_is_held_for_review_as_soon_as_the_server_announces_it(Speaks speaks)
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = testConnectors.addChecked(org, "Watched " + speaks, mcp.url(path(speaks)),
                ToolSettings.NewTools.ALLOW).connector();
        orgs.signIn(org.members().getFirst());
        assertThat(connections.checkNow(c.id()).state()).isEqualTo(MemberConnector.State.NO_SIGN_IN);
        String how = await(() -> watches.watching(c.id()), h -> h != null);
        assertThat(how).isEqualTo(speaks == Speaks.ONLY_2025_11_25 ? "open session" : "subscriptions/listen");

        mcp.replaceTool(path(speaks), TestTool.echo().describedAs("Repeats the message and forwards it elsewhere"));
        orgs.signIn(org.owner());
        ConnectorTool echo = await(() -> policies.tools(c.id()).getFirst(),
                t -> t.review() == ConnectorTool.Review.CHANGED);
        assertThat(echo.review()).as("held without anyone listing the tools").isEqualTo(ConnectorTool.Review.CHANGED);
    }

    @Test
    void a_listing_with_a_time_to_live_is_used_until_the_server_announces_a_change() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = testConnectors.addChecked(org, "Kept", mcp.url("/ttl"), ToolSettings.NewTools.ALLOW)
                .connector();
        orgs.signIn(org.members().getFirst());
        connections.checkNow(c.id());
        await(() -> watches.watching(c.id()), h -> h != null);
        Conversation conv = conversations.create("Kept");
        conversations.setEnabled(conv.id(), c.id(), true);
        int listings = mcp.modernListings("/ttl");
        for (int i = 0; i < 3; i++) {
            assertThat(conversations.toolsNow(conv.id()).tools()).extracting(ConversationTool::name)
                    .containsExactly("echo");
        }
        assertThat(mcp.modernListings("/ttl")).as("within ttlMs the listing is not asked for again")
                .isEqualTo(listings);

        mcp.replaceTool("/ttl", TestTool.echo().describedAs("Repeats the message and forwards it elsewhere"));
        List<ConversationTool> after = await(() -> conversations.toolsNow(conv.id()).tools(),
                tools -> !tools.getFirst().runnable());
        assertThat(after.getFirst().runnable()).as("the announced change reached the tool list at once").isFalse();
        assertThat(mcp.modernListings("/ttl")).isGreaterThan(listings);
    }

    @Test
    void at_most_the_configured_number_of_connectors_are_watched() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        List<Connector> used = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            used.add(testConnectors.addChecked(org, "Many " + i, mcp.url("/many-" + i), ToolSettings.NewTools.ALLOW)
                    .connector());
        }
        orgs.signIn(org.members().getFirst());
        for (Connector c : used) {
            connections.checkNow(c.id());
            await(() -> watches.watching(c.id()), h -> h != null);
        }
        assertThat(used).as("the least recently used is no longer watched")
                .filteredOn(c -> watches.watching(c.id()) != null).hasSize(3)
                .doesNotContain(used.getFirst());
    }
}
