package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connection.StoredTokens;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.OAuthProtectedMcp;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Tool calls to an OAuth-protected MCP server (its tokens checked by introspection at a real authorization server
 * in this JVM) go through the calling member's own connection only: a member who has not connected cannot use
 * the connector, and a token revoked at the provider turns into "reconnect", not a silent failure.
 */
@IntegrationTest
class ConversationOAuthTest {

    @RegisterExtension
    static final OAuthProtectedMcp peers = new OAuthProtectedMcp(TestMcpServer.echoTool());

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    StoredTokens stored;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private void connect(Connector c) throws Exception {
        assertThat(AuthorizationBrowser.connect(connections, c.id(), "/conversations").connected()).isTrue();
    }

    private ToolCallEntry run(ConversationId conversation, Connector c, String message) throws Exception {
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        conversations.start(new ToolCallRequest(conversation, c.id(), "echo", "{\"message\":\"" + message + "\"}",
                null), new ToolCallListener() {
                    @Override
                    public void progress(McpToolSession.Progress p) {
                    }

                    @Override
                    public void finished(ToolCallEntry entry) {
                        done.complete(entry);
                    }
                });
        return done.get(60, TimeUnit.SECONDS);
    }

    @Test
    void calls_use_the_members_own_connection_and_a_revoked_token_asks_for_a_reconnect() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        orgs.signIn(org.owner());
        policies.updateSettings(ToolSettings.NewTools.ALLOW, false, policies.settings().version());
        Connector c = connectors.add(new ConnectorForm("Acme files", peers.mcp().url("/mcp"), null, null, false));

        orgs.signIn(org.members().get(0));
        Conversation conv = conversations.create("With my sign-in");
        assertThat(conversations.connectors(conv.id())).singleElement()
                .satisfies(x -> assertThat(x.state()).isEqualTo(MemberConnector.State.NOT_CONNECTED));
        assertThatThrownBy(() -> conversations.setEnabled(conv.id(), c.id(), true))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("Connect to Acme files first");
        connect(c);
        conversations.setEnabled(conv.id(), c.id(), true);
        int accepted = peers.mcp().bearerAccepted();
        ToolCallEntry ok = run(conv.id(), c, "through my connection");
        assertThat(ok.status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(ok.result().content().getFirst().text()).isEqualTo("through my connection");
        assertThat(peers.mcp().bearerAccepted()).as("the server saw the member's bearer token").isGreaterThan(accepted);

        // the second member has no connection: the connector is of no use to them in their conversation
        orgs.signIn(org.members().get(1));
        Conversation theirs = conversations.create("No sign-in");
        assertThatThrownBy(() -> conversations.setEnabled(theirs.id(), c.id(), true))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> run(theirs.id(), c, "borrowed")).isInstanceOf(ToolRefusedException.class);

        // the provider revokes the first member's grant: the next call says to reconnect, and the state shows it
        orgs.signIn(org.members().get(0));
        String token = stored.accessToken(c.id());
        var authorizations = peers.as().authorizations();
        authorizations.remove(authorizations.findByToken(token, OAuth2TokenType.ACCESS_TOKEN));
        ToolCallEntry refused = run(conv.id(), c, "after revocation");
        assertThat(refused.status()).isEqualTo(ToolCallStatus.FAILED);
        assertThat(refused.message()).contains("Reconnect");
        assertThat(conversations.connectors(conv.id())).singleElement()
                .satisfies(x -> assertThat(x.state()).isEqualTo(MemberConnector.State.NEEDS_REAUTH));
        assertThat(conversations.toolsNow(conv.id()).problems()).singleElement()
                .satisfies(p -> assertThat(p.reconnect()).isTrue());
    }

    private static long initializes() {
        return peers.mcp().received().stream().filter(m -> m.contains("\"method\":\"initialize\"")).count();
    }

    @Test
    void a_kept_session_is_not_used_once_the_member_signed_in_again_with_a_new_token() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        policies.updateSettings(ToolSettings.NewTools.ALLOW, false, policies.settings().version());
        Connector c = connectors.add(new ConnectorForm("Acme files", peers.mcp().url("/mcp"), null, null, false));
        orgs.signIn(org.members().get(0));
        Conversation conv = conversations.create("Kept session");
        connect(c);
        conversations.setEnabled(conv.id(), c.id(), true);
        peers.mcp().recordMessages("/mcp");
        assertThat(run(conv.id(), c, "first").status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        long initializes = initializes();
        assertThat(run(conv.id(), c, "again").status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(initializes()).as("the session is kept while the token is the same").isEqualTo(initializes);
        String first = stored.accessToken(c.id());

        // signing in again gives a new token: the session kept with the old one must not carry the next call
        connect(c);
        assertThat(stored.accessToken(c.id())).isNotEqualTo(first);
        assertThat(run(conv.id(), c, "second").status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(initializes()).as("a new session, with the new token").isEqualTo(initializes + 1);
    }
}
