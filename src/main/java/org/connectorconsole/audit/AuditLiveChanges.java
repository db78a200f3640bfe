package org.connectorconsole.audit;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.UserId;

/**
 * Which audited changes open pages must see, and for whom. Every change a page shows is audited in the transaction
 * that makes it, so the audit writer publishes the live change in that same transaction: delivered on commit, never
 * for a change rolled back. Changes that are not audited (a tool call starting, a token refreshed) are published by
 * their services. A connection's status is told by its repository, and only when it changes: a failed renewal or
 * callback (audited every time) is not told again, so a page that re-reads on a change cannot set off another
 * attempt, and another, while a server stays down. See docs/decisions/0048-live-pages-through-postgresql-notify.md.
 */
final class AuditLiveChanges {

    private enum Scope { ORGANIZATION, ACTOR, MEMBER_DETAIL }

    private record Rule(LiveTopic topic, Scope scope) {
    }

    private static final Map<String, Rule> RULES = Map.ofEntries(
            org(AuditAction.CONNECTOR_ADDED, LiveTopic.CONNECTORS),
            org(AuditAction.CONNECTOR_UPDATED, LiveTopic.CONNECTORS),
            org(AuditAction.CONNECTOR_ENABLED, LiveTopic.CONNECTORS),
            org(AuditAction.CONNECTOR_DISABLED, LiveTopic.CONNECTORS),
            org(AuditAction.CONNECTOR_REMOVED, LiveTopic.CONNECTORS),
            org(AuditAction.CONNECTOR_CHECKED, LiveTopic.CONNECTORS),
            org(AuditAction.TOOL_DISCOVERED, LiveTopic.TOOLS),
            org(AuditAction.TOOL_CHANGE_HELD, LiveTopic.TOOLS),
            org(AuditAction.TOOL_CHANGE_WITHDRAWN, LiveTopic.TOOLS),
            org(AuditAction.TOOL_CHANGE_APPROVED, LiveTopic.TOOLS),
            org(AuditAction.TOOL_POLICY_CHANGED, LiveTopic.TOOLS),
            org(AuditAction.TOOL_SETTINGS_UPDATED, LiveTopic.TOOLS),
            actor(AuditAction.CONNECTION_CONNECTED, LiveTopic.CONNECTIONS),
            actor(AuditAction.CONNECTION_REAUTHORIZED, LiveTopic.CONNECTIONS),
            actor(AuditAction.CONNECTION_DISCONNECTED, LiveTopic.CONNECTIONS),
            org(AuditAction.CONNECTION_ENDED, LiveTopic.CONNECTIONS),
            Map.entry(AuditAction.CONNECTION_RECONNECT_REQUESTED.wireName(),
                    new Rule(LiveTopic.CONNECTIONS, Scope.MEMBER_DETAIL)),
            actor(AuditAction.TOOL_CALLED, LiveTopic.TOOL_CALLS),
            actor(AuditAction.CONVERSATION_CONNECTOR_ENABLED, LiveTopic.TOOL_CALLS),
            actor(AuditAction.CONVERSATION_CONNECTOR_DISABLED, LiveTopic.TOOL_CALLS),
            org(AuditAction.MEMBER_ADDED, LiveTopic.MEMBERS),
            org(AuditAction.MEMBER_REMOVED, LiveTopic.MEMBERS),
            org(AuditAction.MEMBER_ROLE_CHANGED, LiveTopic.MEMBERS),
            org(AuditAction.GATEWAY_SETTINGS_UPDATED, LiveTopic.CONNECTORS));

    private AuditLiveChanges() {
    }

    private static Map.Entry<String, Rule> org(AuditAction action, LiveTopic topic) {
        return Map.entry(action.wireName(), new Rule(topic, Scope.ORGANIZATION));
    }

    private static Map.Entry<String, Rule> actor(AuditAction action, LiveTopic topic) {
        return Map.entry(action.wireName(), new Rule(topic, Scope.ACTOR));
    }

    /** The live change an audited event stands for; empty when no page shows what it changed. */
    static Optional<LiveChange> of(AuditRecord record) {
        Rule rule = RULES.get(record.action());
        if (rule == null) {
            return Optional.empty();
        }
        UserId member = switch (rule.scope()) {
            case ORGANIZATION -> null;
            case ACTOR -> record.actor().id();
            case MEMBER_DETAIL -> memberDetail(record.details().get("member"));
        };
        return Optional.of(new LiveChange(record.orgId(), member, rule.topic()));
    }

    private static UserId memberDetail(String value) {
        try {
            return value == null ? null : new UserId(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
