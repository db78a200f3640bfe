package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.NpmPeer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The TypeScript SDK's example server with {@code --oauth --oauth-strict} (from the npm registry): its own
 * authorization server, dynamic registration, and tokens accepted only for this resource. A member connects,
 * the console lists the tools with the token, and disconnects.
 */
@IntegrationTest
class TypeScriptOAuthServerTest {

    static NpmPeer server;
    static int mcpPort;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;

    @BeforeAll
    static void start() throws Exception {
        mcpPort = NpmPeer.freePort();
        int authPort = NpmPeer.freePort();
        server = NpmPeer.start("@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js",
                List.of("--oauth", "--oauth-strict"),
                Map.of("MCP_PORT", Integer.toString(mcpPort), "MCP_AUTH_PORT", Integer.toString(authPort)),
                mcpPort);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void member_connects_lists_tools_with_the_token_and_disconnects() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("TS example", "http://localhost:" + mcpPort + "/mcp", null,
                null, false));
        orgs.signIn(org.members().getFirst());

        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        assertThat(start.needsBrowser()).isTrue();
        assertThat(start.authorizationUrl()).contains("code_challenge_method=S256")
                .contains("resource=http://localhost:" + mcpPort + "/mcp");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        CallbackOutcome outcome = connections.complete(back.get("state"), back.get("code"), back.get("iss"),
                back.get("error"), back.get("error_description"));
        assertThat(outcome.connected()).as(outcome.message() + "\n" + server.output()).isTrue();

        MemberConnector checked = connections.checkNow(c.id());
        assertThat(checked.state()).as(checked.reason() + "\n" + server.output())
                .isEqualTo(MemberConnector.State.CONNECTED);
        // its tools are new, so held for an owner's review (decision 0017): counted as waiting, not as usable
        assertThat(checked.tools()).isEmpty();
        assertThat(checked.waitingForReview()).isPositive();

        String message = connections.disconnect(c.id());
        assertThat(message).startsWith("Disconnected from TS example.");
        assertThat(connections.list().stream().filter(m -> m.id().equals(c.id())).findFirst().orElseThrow().state())
                .isEqualTo(MemberConnector.State.NOT_CONNECTED);
    }
}
