package org.connectorconsole.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.EffectiveMode;
import org.connectorconsole.connector.MemberTools;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.connector.ToolDefinition;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ConversationTool;
import org.connectorconsole.conversation.ToolBoard;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Component;

/**
 * Which tools an endpoint offers its member now, under their gateway names, for both transports ({@code tools/list}
 * of 2025-11-25 and of 2026-07-28). The tool set is the console's own ({@link ConversationService#toolsFor}, what
 * a conversation page shows), so a client sees what the member sees; nothing is kept between requests.
 */
@Component
class GatewayToolListing {

    /** What both transports tell a client at the start about the tools (and their names). */
    static final String INSTRUCTIONS = "The tools of your organization's connectors that you may use, each named "
            + "<connector>__<tool>. Calls run with your own sign-in to each connector and follow your owners' rules.";
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final Map<String, Object> EMPTY_OBJECT_SCHEMA = Map.of("type", "object");

    private final ConversationService conversations;
    private final ConnectorDirectory connectors;
    private final ToolCatalog catalog;
    private final ConnectionService connections;

    GatewayToolListing(ConversationService conversations, ConnectorDirectory connectors, ToolCatalog catalog,
            ConnectionService connections) {
        this.conversations = conversations;
        this.connectors = connectors;
        this.catalog = catalog;
        this.connections = connections;
    }

    /** One tool offered: its gateway definition, and the connector and tool name it stands for. */
    record Offered(McpSchema.Tool tool, ConnectorId connectorId, String toolName) {
    }

    /**
     * The tools offered on this endpoint now, by gateway name: the runnable tools of the connectors in scope (a
     * blocked tool, or one held for an owner's review, is not offered), and the pinned tools of a connector whose
     * connection needs a new sign-in (a call then says so, with the Reconnect link).
     */
    Map<String, Offered> offered(GatewayRequest request) {
        Member member = request.member();
        Map<ConnectorId, String> keys = connectors.keys(member.orgId());
        Map<String, Offered> out = new LinkedHashMap<>();
        ToolBoard board = conversations.toolsFor(member, request.endpoint().conversation());
        for (ConversationTool t : board.tools()) {
            String key = keys.get(t.connectorId());
            if (key == null || !t.runnable()) {
                continue;
            }
            GatewayToolNames.of(key, t.name()).ifPresent(name -> out.put(name, new Offered(tool(name, t.connectorName(),
                    t.label(), t.description(), t.inputSchemaJson(), t.needsApproval()), t.connectorId(), t.name())));
        }
        addPinnedNeedingSignIn(request, keys, out);
        return out;
    }

    /**
     * The pinned tools of connections that need a new sign-in: listed (the tool set does not shrink while a member
     * re-authenticates), so that a call answers with the Reconnect link instead of an unknown tool.
     */
    private void addPinnedNeedingSignIn(GatewayRequest request, Map<ConnectorId, String> keys,
            Map<String, Offered> out) {
        Member member = request.member();
        List<MemberConnector> signIn = needingSignIn(request);
        MemberTools standing = signIn.isEmpty() ? null : conversations.standing(member);
        for (MemberConnector c : signIn) {
            String key = keys.get(c.id());
            if (key == null) {
                continue;
            }
            for (ConnectorTool known : catalog.known(member.orgId(), c.id()).values()) {
                ToolDefinition pinned = known.approved();
                EffectiveMode mode = standing.mode(c.id(), known.name());
                if (pinned == null || known.refusal(pinned) != null || !mode.usable()) {
                    continue;
                }
                GatewayToolNames.of(key, known.name()).ifPresent(name -> out.putIfAbsent(name, new Offered(tool(name,
                        c.name(), pinned.title() == null || pinned.title().isBlank() ? pinned.name() : pinned.title(),
                        pinned.description(), pinned.inputSchemaJson(), mode.needsApproval()),
                        c.id(), known.name())));
            }
        }
    }

    private List<MemberConnector> needingSignIn(GatewayRequest request) {
        Member member = request.member();
        Set<ConnectorId> scope = request.endpoint().conversation() == null ? null
                : conversations.switchedOn(member, request.endpoint().conversation());
        return connections.listFor(member).stream()
                .filter(c -> c.state() == MemberConnector.State.NEEDS_REAUTH)
                .filter(c -> scope == null || scope.contains(c.id()))
                .toList();
    }

    private static McpSchema.Tool tool(String name, String connectorName, String label, String description,
            String inputSchemaJson, boolean needsApproval) {
        String text = description == null ? "" : description;
        if (needsApproval) {
            text = (text.isEmpty() ? "" : text + "\n\n") + "An owner asks you to confirm each call of this tool.";
        }
        return new McpSchema.Tool(name, connectorName + ": " + label, text.isEmpty() ? null : text,
                schema(inputSchemaJson), null, null, Map.of("connectorConsole/connector", connectorName));
    }

    /** The tool's input schema as the server gave it; an unreadable one as an empty object schema (MCP needs one). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> schema(String json) {
        if (json == null || json.isBlank()) {
            return EMPTY_OBJECT_SCHEMA;
        }
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException | RuntimeException e) {
            return EMPTY_OBJECT_SCHEMA;
        }
    }
}
