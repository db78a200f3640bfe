package org.connectorconsole.support;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import testpeers.TestAuthorizationServer;

/**
 * An OAuth-protected MCP server ("acme-files" at {@code /mcp}, scope {@code mcp}) and the authorization server that
 * checks its tokens, both on 127.0.0.1, started before a test class's tests and closed after them:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OAuthProtectedMcp peers = new OAuthProtectedMcp(TestMcpServer.echoTool(), TestMcpServer.addTool());
 * }</pre>
 *
 * Registered on a static field, it starts after the class's own extensions (a {@code @SpringBootTest}'s context is
 * still loaded later, with the test instance) and closes after the class's {@code @AfterAll} methods.
 */
public final class OAuthProtectedMcp implements BeforeAllCallback, AfterAllCallback {

    private final SyncToolSpecification[] tools;
    private TestAuthorizationServer as;
    private TestMcpServer mcp;

    public OAuthProtectedMcp(SyncToolSpecification... tools) {
        this.tools = tools;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer().oauthProtected("/mcp", "acme-files", as.issuer(), "mcp", tools);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            mcp.close();
        } finally {
            as.close();
        }
    }

    /** The authorization server. */
    public TestAuthorizationServer as() {
        return as;
    }

    /** The MCP server. */
    public TestMcpServer mcp() {
        return mcp;
    }
}
