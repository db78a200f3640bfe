package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The set-up the gateway's tests share, through the services as owners and members use them: an organization with
 * the gateway switched on, a connector (checked and approved, or connected with the member's own sign-in), a
 * member's personal access token and endpoint, and the MCP Java SDK's clients pointed at it. Each step says who it
 * leaves signed in; a test signs in as whoever acts next, as before.
 */
@Component
class GatewayFixture {

    private final TestOrganizations orgs;
    private final TestConnectors testConnectors;
    private final ConnectorService connectors;
    private final ToolPolicyService policies;
    private final ConnectionService connections;
    private final GatewaySettingsService gateway;
    private final PersonalAccessTokens tokens;
    private final ApplicationContext context;

    GatewayFixture(TestOrganizations orgs, TestConnectors testConnectors, ConnectorService connectors,
            ToolPolicyService policies, ConnectionService connections, GatewaySettingsService gateway,
            PersonalAccessTokens tokens, ApplicationContext context) {
        this.orgs = orgs;
        this.testConnectors = testConnectors;
        this.connectors = connectors;
        this.policies = policies;
        this.connections = connections;
        this.gateway = gateway;
        this.tokens = tokens;
        this.context = context;
    }

    /** A member's endpoint: whose, on which connector, with which token, at which path. */
    record Endpoint(Org org, Connector connector, Person member, String token, String path) {
    }

    /** The console's address now (after a stopped context starts again its web server may have another port). */
    String base() {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** A Team organization with this many members, whose owner switched the gateway on (leaves the owner signed in). */
    Org organizationWithGatewayOn(int members) {
        Org org = orgs.create(Plan.TEAM, members);
        switchOn(org, null);
        return org;
    }

    /** The owner switches the gateway on, with a limit of calls per minute per member (null: none). */
    void switchOn(Org org, Integer memberLimit) {
        orgs.signIn(org.owner());
        gateway.save(true, memberLimit, null, gateway.current().version());
    }

    /** A server without sign-in, added and checked by the owner, every tool approved (leaves the owner signed in). */
    Connector approvedConnector(Org org, String name, String url) throws Exception {
        var checked = testConnectors.addChecked(org, name, url, ToolSettings.NewTools.ALLOW);
        orgs.signIn(org.owner());
        policies.approveAllNew(checked.connector().id());
        return checked.connector();
    }

    /**
     * An OAuth-protected server added by the owner (new tools allowed), and the member's own sign-in to it through
     * the browser (leaves the member signed in).
     */
    Connector connectedConnector(Org org, Person member, String name, String url) throws Exception {
        orgs.signIn(org.owner());
        if (policies.settings().newTools() != ToolSettings.NewTools.ALLOW) {
            policies.updateSettings(ToolSettings.NewTools.ALLOW, false, policies.settings().version());
        }
        Connector c = connectors.add(new ConnectorForm(name, url, null, null, false));
        orgs.signIn(member);
        assertThat(AuthorizationBrowser.connect(connections, c.id(), "/settings/connectors").connected()).isTrue();
        return c;
    }

    /**
     * A Team organization of one member with the gateway on, a server without sign-in whose tools are all approved,
     * and the member's endpoint with a one-day token (leaves no one signed in).
     */
    Endpoint memberWithApprovedConnector(String connectorName, String url, String tokenName) throws Exception {
        Org org = organizationWithGatewayOn(1);
        Connector connector = approvedConnector(org, connectorName, url);
        Endpoint endpoint = endpoint(org, connector, org.members().getFirst(), tokenName, 1);
        TestOrganizations.signOut();
        return endpoint;
    }

    /**
     * A Team organization of this many members with the gateway on (and this limit of calls per minute per member,
     * null: none), an OAuth-protected server its first member signed in to, and that member's endpoint with a
     * 30-day token "my agent" (leaves the member signed in).
     */
    Endpoint connectedMember(int members, Integer memberLimit, String connectorName, String url) throws Exception {
        Org org = orgs.create(Plan.TEAM, members);
        switchOn(org, memberLimit);
        Person member = org.members().getFirst();
        Connector connector = connectedConnector(org, member, connectorName, url);
        return endpoint(org, connector, member, "my agent", 30);
    }

    /** The member's personal access token (shown once) for their endpoint (leaves the member signed in). */
    Endpoint endpoint(Org org, Connector connector, Person member, String tokenName, int days) {
        return new Endpoint(org, connector, member, token(member, tokenName, days),
                GatewayEndpoints.memberPath(org.id(), member.id()));
    }

    /** A personal access token the person creates (leaves them signed in). */
    String token(Person person, String name, int days) {
        orgs.signIn(person);
        return tokens.create(name, days).secret();
    }

    /** The MCP Java SDK's classic client at the endpoint, with its token. */
    McpSyncClient client(Endpoint endpoint, String clientName) {
        return GatewayClients.java(base(), endpoint.path(), endpoint.token(), clientName);
    }

    /** The MCP Java SDK's 2026-07-28 client at the endpoint, with its token. */
    io.modelcontextprotocol.modern.client.McpSyncClient modernClient(Endpoint endpoint, String clientName) {
        return GatewayClients.modern(base(), endpoint.path(), endpoint.token(), clientName);
    }
}
