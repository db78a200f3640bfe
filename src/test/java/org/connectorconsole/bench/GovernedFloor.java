package org.connectorconsole.bench;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.connectorconsole.audit.AuditChain;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.base.UserId;
import org.connectorconsole.support.TestMcpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "governed floor" of the gateway benchmark (decision 0076): the bare SDK proxy ({@link BareProxy}: the same SDK
 * server and Streamable HTTP servlet transport, kept SDK client sessions upstream) plus only what issue 18 makes
 * mandatory on every call, written as plainly as possible: plain JDBC on the console's own tables in the same
 * embedded PostgreSQL (its data source), no Spring, no jOOQ, no rule beyond these:
 * <ol>
 * <li>the bearer token by its SHA-256 ({@code gateway_token}, unexpired, unrevoked: 1 indexed statement);</li>
 * <li>membership, the organization's gateway switch, the connector by its key (switched on) and the tool's policy
 * (allowed), with the member's e-mail for the audit event: 1 statement;</li>
 * <li>the call's running row in {@code tool_call}, committed before anything is sent upstream (durable first, the
 * console's rule);</li>
 * <li>after the answer, in one transaction: the organization's chain head locked ({@code SELECT … FOR UPDATE}), the
 * {@code tool.called} event hashed as the console hashes it ({@link AuditChain}) and inserted, the head moved, the
 * history row finished; then the commit, then the answer.</li>
 * </ol>
 * Left out, so that this stays a lower bound: the member's group audience, pinned definitions against the server's
 * listing, argument schema, rate limits, concurrency bounds, live notices, the re-read before sending, OAuth tokens.
 */
final class GovernedFloor implements AutoCloseable {

    static final String PATH = "/mcp";
    private static final String AUTHORIZATION = "authorization";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String TOKEN = "select org_id, user_id from gateway_token where token_hash = ?"
            + " and revoked_at is null and expires_at > now()";
    private static final String STANDING = "select u.email, c.id, c.name from membership m"
            + " join app_user u on u.id = m.user_id"
            + " join gateway_settings s on s.org_id = m.org_id and s.enabled"
            + " join connector c on c.org_id = m.org_id and c.connector_key = ? and c.enabled"
            + " join connector_tool t on t.connector_id = c.id and t.name = ? and t.policy = 'ALLOWED'"
            + " where m.org_id = ? and m.user_id = ?";
    private static final String RUNNING = "insert into tool_call (id, org_id, conversation_id, user_id, connector_id,"
            + " connector_name, tool_name, arguments, status, started_at, client_name)"
            + " values (?, ?, null, ?, ?, ?, ?, ?::jsonb, 'RUNNING', ?, ?)";
    private static final String HEAD = "select last_seq, last_hash from audit_chain_head where org_id = ? for update";
    private static final String EVENT = "insert into audit_event (id, org_id, seq, occurred_at, actor_id,"
            + " actor_label, action, target_type, target_id, target_label, details, client_address, user_agent,"
            + " prev_hash, hash)"
            + " values (?, ?, ?, ?, ?, ?, 'tool.called', 'connector', ?, ?, ?::jsonb, null, null, ?, ?)";
    private static final String MOVE_HEAD = "update audit_chain_head set last_seq = ?, last_hash = ? where org_id = ?";
    private static final String FINISH = "update tool_call set status = ?, result = ?::jsonb, finished_at = ?,"
            + " duration_ms = ? where id = ?";

    private final DataSource db;
    private final String connectorKey;
    private final String tool;
    private final TestMcpServer server;
    private final UpstreamSessions upstream;

    GovernedFloor(DataSource db, String connectorKey, String upstreamBase, String upstreamPath, String tool,
            int sessions) {
        this.db = db;
        this.connectorKey = connectorKey;
        this.tool = tool;
        this.upstream = new UpstreamSessions(upstreamBase, upstreamPath, tool, sessions, "governed-floor");
        McpSchema.Tool offered = McpSchema.Tool.builder(tool).description("Forwarded to the upstream server")
                .inputSchema(Map.of("type", "object")).build();
        this.server = new TestMcpServer().streamable(PATH, "governed-floor",
                request -> McpTransportContext.create(Map.of(AUTHORIZATION,
                        String.valueOf(request.getHeader("Authorization")))),
                new SyncToolSpecification(offered, (exchange, request) -> call(
                        String.valueOf(exchange.transportContext().get(AUTHORIZATION)),
                        exchange.getClientInfo() == null ? null : exchange.getClientInfo().name(), request)));
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Who is calling, as the two reads found them. */
    private record Caller(UUID orgId, UUID userId, String email, UUID connectorId, String connectorName) {
    }

    private McpSchema.CallToolResult call(String authorization, String clientName, McpSchema.CallToolRequest request) {
        if (!authorization.startsWith("Bearer ")) {
            return refused("No bearer token");
        }
        String argumentsJson = JSON.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
        Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID callId = UUID.randomUUID();
        Caller caller;
        try (Connection c = db.getConnection()) {
            caller = caller(c, Tokens.sha256Hex(authorization.substring(7)));
            if (caller == null) {
                return refused("Not allowed");
            }
            try (PreparedStatement st = c.prepareStatement(RUNNING)) { // autocommit: durable before it is sent
                st.setObject(1, callId);
                st.setObject(2, caller.orgId());
                st.setObject(3, caller.userId());
                st.setObject(4, caller.connectorId());
                st.setString(5, caller.connectorName());
                st.setString(6, tool);
                st.setString(7, argumentsJson);
                st.setTimestamp(8, Timestamp.from(started));
                st.setString(9, clientName);
                st.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        McpSchema.CallToolResult result = upstream.forward(request);
        finish(caller, callId, clientName, argumentsJson, result, started);
        return result;
    }

    private Caller caller(Connection c, String tokenHash) throws SQLException {
        UUID orgId;
        UUID userId;
        try (PreparedStatement st = c.prepareStatement(TOKEN)) {
            st.setString(1, tokenHash);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                orgId = rs.getObject(1, UUID.class);
                userId = rs.getObject(2, UUID.class);
            }
        }
        try (PreparedStatement st = c.prepareStatement(STANDING)) {
            st.setString(1, connectorKey);
            st.setString(2, tool);
            st.setObject(3, orgId);
            st.setObject(4, userId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Caller(orgId, userId, rs.getString(1), rs.getObject(2, UUID.class),
                        rs.getString(3)) : null;
            }
        }
    }

    /** The event on the organization's chain and the history row's end, in one transaction, committed. */
    private void finish(Caller caller, UUID callId, String clientName, String argumentsJson,
            McpSchema.CallToolResult result, Instant started) {
        String resultJson = JSON.writeValueAsString(result);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long durationMs = Duration.between(started, now).toMillis();
        String status = Boolean.TRUE.equals(result.isError()) ? "TOOL_ERROR" : "SUCCEEDED";
        TreeMap<String, String> details = new TreeMap<>();
        details.put("via", "gateway");
        details.put("client", String.valueOf(clientName));
        details.put("tool", tool);
        details.put("argumentsBytes", String.valueOf(argumentsJson.length()));
        details.put("argumentsSha256", Tokens.sha256Hex(argumentsJson));
        details.put("outcome", status);
        details.put("durationMs", String.valueOf(durationMs));
        details.put("resultBytes", String.valueOf(resultJson.length()));
        details.put("resultSha256", Tokens.sha256Hex(resultJson));
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                long seq;
                String prev;
                try (PreparedStatement st = c.prepareStatement(HEAD)) {
                    st.setObject(1, caller.orgId());
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("the organization has no chain head yet");
                        }
                        seq = rs.getLong(1) + 1;
                        prev = rs.getString(2);
                    }
                }
                UUID eventId = UUID.randomUUID();
                String hash = AuditChain.hash(prev, eventId, new OrganizationId(caller.orgId()), seq, now,
                        new UserId(caller.userId()), caller.email(), "tool.called", "connector",
                        caller.connectorId().toString(), caller.connectorName(), details, null, null);
                try (PreparedStatement event = c.prepareStatement(EVENT);
                        PreparedStatement head = c.prepareStatement(MOVE_HEAD);
                        PreparedStatement row = c.prepareStatement(FINISH)) {
                    event.setObject(1, eventId);
                    event.setObject(2, caller.orgId());
                    event.setLong(3, seq);
                    event.setTimestamp(4, Timestamp.from(now));
                    event.setObject(5, caller.userId());
                    event.setString(6, caller.email());
                    event.setString(7, caller.connectorId().toString());
                    event.setString(8, caller.connectorName());
                    event.setString(9, JSON.writeValueAsString(details));
                    event.setString(10, prev);
                    event.setString(11, hash);
                    event.executeUpdate();
                    head.setLong(1, seq);
                    head.setString(2, hash);
                    head.setObject(3, caller.orgId());
                    head.executeUpdate();
                    row.setString(1, status);
                    row.setString(2, resultJson);
                    row.setTimestamp(3, Timestamp.from(now));
                    row.setLong(4, durationMs);
                    row.setObject(5, callId);
                    row.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static McpSchema.CallToolResult refused(String why) {
        return McpSchema.CallToolResult.builder().addTextContent(why).isError(true).build();
    }

    @Override
    public void close() {
        upstream.close();
        server.close();
    }
}
