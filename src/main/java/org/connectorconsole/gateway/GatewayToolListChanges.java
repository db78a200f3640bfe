package org.connectorconsole.gateway;

import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.MemberTools;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code notifications/tools/list_changed} for the 2025-11-25 sessions of this instance: a session that listed tools
 * is watched, and told on its listening stream when what its tool set depends on changed (a connection made or
 * ended, an owner's decision, a switch in the conversation). The check reads the database only (no server is asked),
 * so it can run every few seconds for every open session; a client on another instance is told by that one.
 */
@Component
class GatewayToolListChanges {

    private static final Logger log = LoggerFactory.getLogger(GatewayToolListChanges.class);

    private final ConversationService conversations;
    private final ToolCatalog catalog;
    private final ConnectionService connections;

    /** A session that listed tools: who for, and what its tool set depended on then. */
    private record Watch(McpStreamableServerSession session, GatewayRequest request, String stamp) {
    }

    /** By session id; a session leaves when it closes ({@link #forget}) or its member's request no longer holds. */
    private final Map<String, Watch> watched = new ConcurrentHashMap<>();

    GatewayToolListChanges(ConversationService conversations, ToolCatalog catalog, ConnectionService connections) {
        this.conversations = conversations;
        this.catalog = catalog;
        this.connections = connections;
    }

    /** The session just listed its tools for this request: tell it when they change from what it got. */
    void watch(McpStreamableServerSession session, GatewayRequest request) {
        if (session != null) {
            watched.put(session.getId(), new Watch(session, request, stamp(request)));
        }
    }

    /** The session closed: nothing more to tell it. */
    void forget(String sessionId) {
        watched.remove(sessionId);
    }

    /**
     * What a member's tool set on an endpoint depends on, from the database only (no server is asked): the
     * member's connections and their states, the conversation's switches, the connectors in scope, and each of
     * their tools' policy and pinned and held definitions. When it changes, the tool set may have.
     */
    String stamp(GatewayRequest request) {
        Member member = request.member();
        StringBuilder out = new StringBuilder();
        Set<ConnectorId> scope = request.endpoint().conversation() == null ? null
                : conversations.switchedOn(member, request.endpoint().conversation());
        MemberTools standing = conversations.standing(member);
        for (MemberConnector c : connections.listFor(member)) {
            if (scope != null && !scope.contains(c.id())) {
                continue;
            }
            out.append(c.id()).append('=').append(c.state()).append(';');
            catalog.known(member.orgId(), c.id()).values().stream()
                    .sorted(Comparator.comparing(ConnectorTool::name))
                    .forEach(t -> out.append(t.name()).append(':')
                            .append(standing.mode(c.id(), t.name()).mode()).append(':')
                            .append(t.approved() == null ? "" : t.approved().fingerprint()).append(':')
                            .append(t.pending() == null ? "" : t.pending().fingerprint()).append(','));
        }
        if (scope != null) {
            scope.stream().map(ConnectorId::toString).sorted().forEach(id -> out.append("on:").append(id));
        }
        return Tokens.sha256Hex(out.toString());
    }

    /**
     * Tells clients whose tool set changed since they last listed it, on their session's listening stream (a
     * session without one now is checked again next time).
     */
    @Scheduled(fixedDelayString = "${console.gateway.list-changed-check:PT15S}",
            initialDelayString = "${console.gateway.list-changed-check:PT15S}")
    void notifyChangedToolSets() {
        for (Map.Entry<String, Watch> e : watched.entrySet()) {
            Watch watch = e.getValue();
            if (!watch.session().hasListeningStream()) {
                continue;
            }
            String now;
            try {
                now = stamp(watch.request());
            } catch (RuntimeException failed) {
                // the member left, the conversation is gone: the next request is refused; nothing to tell
                watched.remove(e.getKey());
                continue;
            }
            if (!now.equals(watch.stamp())) {
                watched.put(e.getKey(), new Watch(watch.session(), watch.request(), now));
                watch.session().sendNotification(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, null)
                        .subscribe(v -> { }, failed -> log.debug("list_changed not delivered", failed));
            }
        }
    }
}
