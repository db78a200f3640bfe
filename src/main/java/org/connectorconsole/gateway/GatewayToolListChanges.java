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
 * {@code notifications/tools/list_changed}, {@code notifications/resources/list_changed} and
 * {@code notifications/prompts/list_changed} for the 2025-11-25 sessions of this instance: a session that listed
 * tools, resources or prompts is watched, and told on its listening stream when what that list depends on changed
 * (tools: a connection made or ended, an owner's decision, a switch in the conversation; resources and prompts: the
 * connectors in scope, decision 0073). The check reads the database only (no server is asked), so it can run every
 * few seconds for every open session; a client on another instance is told by that one. A change an upstream server
 * makes to its own resources or prompts is not seen (nothing asks it).
 */
@Component
class GatewayToolListChanges {

    private static final Logger log = LoggerFactory.getLogger(GatewayToolListChanges.class);

    private final ConversationService conversations;
    private final ToolCatalog catalog;
    private final ConnectionService connections;

    /** What a session listed: each has its own notification, sent when its stamp changes. */
    enum Kind {
        TOOLS(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED),
        RESOURCES(McpSchema.METHOD_NOTIFICATION_RESOURCES_LIST_CHANGED),
        PROMPTS(McpSchema.METHOD_NOTIFICATION_PROMPTS_LIST_CHANGED);

        final String notification;

        Kind(String notification) {
            this.notification = notification;
        }
    }

    /** A session that listed something: who for, and what each list it got depended on then. */
    private record Watch(McpStreamableServerSession session, GatewayRequest request, Map<Kind, String> stamps) {
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
        watch(session, request, Kind.TOOLS);
    }

    /** The session just listed this for this request: tell it when the list changes from what it got. */
    void watch(McpStreamableServerSession session, GatewayRequest request, Kind kind) {
        if (session == null) {
            return;
        }
        String stamp = kind == Kind.TOOLS ? stamp(request) : scopeStamp(request);
        watched.compute(session.getId(), (id, old) -> {
            Map<Kind, String> stamps = new java.util.EnumMap<>(Kind.class);
            if (old != null) {
                stamps.putAll(old.stamps());
            }
            stamps.put(kind, stamp);
            return new Watch(session, request, stamps);
        });
    }

    /**
     * What the resources and prompts a member's endpoint offers depend on, from the database only: the connectors
     * in the pass-through's scope (connected or needing no sign-in, switched on in the conversation).
     */
    String scopeStamp(GatewayRequest request) {
        Member member = request.member();
        Set<ConnectorId> scope = request.endpoint().conversation() == null ? null
                : conversations.switchedOn(member, request.endpoint().conversation());
        StringBuilder out = new StringBuilder();
        for (MemberConnector c : connections.listFor(member)) {
            if ((scope == null || scope.contains(c.id())) && (c.state() == MemberConnector.State.CONNECTED
                    || c.state() == MemberConnector.State.NO_SIGN_IN)) {
                out.append(c.id()).append(';');
            }
        }
        return Tokens.sha256Hex(out.toString());
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
     * Tells clients whose tools, resources or prompts changed since they last listed them, on their session's
     * listening stream (a session without one now is checked again next time).
     */
    @Scheduled(fixedDelayString = "${console.gateway.list-changed-check:PT15S}",
            initialDelayString = "${console.gateway.list-changed-check:PT15S}")
    void notifyChangedToolSets() {
        for (Map.Entry<String, Watch> e : watched.entrySet()) {
            Watch watch = e.getValue();
            if (!watch.session().hasListeningStream()) {
                continue;
            }
            Map<Kind, String> now = new java.util.EnumMap<>(Kind.class);
            try {
                String scope = null;
                for (Kind kind : watch.stamps().keySet()) {
                    if (kind == Kind.TOOLS) {
                        now.put(kind, stamp(watch.request()));
                    } else {
                        scope = scope == null ? scopeStamp(watch.request()) : scope;
                        now.put(kind, scope);
                    }
                }
            } catch (RuntimeException failed) {
                // the member left, the conversation is gone: the next request is refused; nothing to tell
                watched.remove(e.getKey(), watch);
                continue;
            }
            if (!now.equals(watch.stamps())) {
                for (Kind kind : changed(e.getKey(), watch, now)) {
                    watch.session().sendNotification(kind.notification, null)
                            .subscribe(v -> { }, failed -> log.debug("list_changed not delivered", failed));
                }
            }
        }
    }

    /**
     * Stores the new stamps into the session's current entry and says which kinds changed. Merged, not put: a
     * session closed meanwhile ({@link #forget}) is not watched again, and a kind the client listed meanwhile keeps
     * the stamp of that listing (and another kind it started watching stays watched).
     */
    private Set<Kind> changed(String sessionId, Watch seen, Map<Kind, String> now) {
        Set<Kind> changed = java.util.EnumSet.noneOf(Kind.class);
        watched.computeIfPresent(sessionId, (id, current) -> {
            Map<Kind, String> stamps = new java.util.EnumMap<>(Kind.class);
            stamps.putAll(current.stamps());
            now.forEach((kind, stamp) -> {
                String before = seen.stamps().get(kind);
                if (java.util.Objects.equals(current.stamps().get(kind), before) && !stamp.equals(before)) {
                    stamps.put(kind, stamp);
                    changed.add(kind);
                }
            });
            return new Watch(current.session(), current.request(), stamps);
        });
        return changed;
    }
}
