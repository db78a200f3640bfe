package org.connectorconsole.conversation.internal;

import static org.connectorconsole.db.Tables.CONVERSATION;
import static org.connectorconsole.db.Tables.CONVERSATION_CONNECTOR;
import static org.connectorconsole.db.Tables.TOOL_CALL;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationId;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.db.tables.records.ConversationRecord;
import org.connectorconsole.db.tables.records.ToolCallRecord;
import org.connectorconsole.mcp.ToolOutcome;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.JSONB;
import org.jooq.UpdateConditionStep;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Conversations, their switched-on connectors and tool calls; every query is scoped by org and member. */
@Repository
public class ConversationRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext db;

    ConversationRepository(DSLContext db) {
        this.db = db;
    }

    public List<Conversation> recent(OrganizationId orgId, UserId userId, int limit) {
        return db.selectFrom(CONVERSATION)
                .where(CONVERSATION.ORG_ID.eq(orgId).and(CONVERSATION.USER_ID.eq(userId)))
                .orderBy(CONVERSATION.UPDATED_AT.desc(), CONVERSATION.ID)
                .limit(limit)
                .fetch(ConversationRepository::toConversation);
    }

    public Optional<Conversation> find(OrganizationId orgId, UserId userId, ConversationId id) {
        return db.selectFrom(CONVERSATION)
                .where(mine(orgId, userId, id))
                .fetchOptional(ConversationRepository::toConversation);
    }

    /** Whose a conversation is (the gateway's conversation endpoint names only its id). */
    public record Owner(OrganizationId orgId, UserId userId) {
    }

    public Optional<Owner> owner(ConversationId id) {
        return db.select(CONVERSATION.ORG_ID, CONVERSATION.USER_ID).from(CONVERSATION)
                .where(CONVERSATION.ID.eq(id.value()))
                .fetchOptional(r -> new Owner(r.value1(), r.value2()));
    }

    /** The conversation, row-locked until the transaction ends. */
    public Optional<Conversation> lock(OrganizationId orgId, UserId userId, ConversationId id) {
        return db.selectFrom(CONVERSATION).where(mine(orgId, userId, id)).forUpdate()
                .fetchOptional(ConversationRepository::toConversation);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void insert(OrganizationId orgId, UserId userId, ConversationId id, String title, OffsetDateTime now) {
        db.insertInto(CONVERSATION)
                .set(CONVERSATION.ID, id.value())
                .set(CONVERSATION.ORG_ID, orgId)
                .set(CONVERSATION.USER_ID, userId)
                .set(CONVERSATION.TITLE, title)
                .set(CONVERSATION.CREATED_AT, now)
                .set(CONVERSATION.UPDATED_AT, now)
                .execute();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean rename(OrganizationId orgId, UserId userId, ConversationId id, String title, int version,
            OffsetDateTime now) {
        return db.update(CONVERSATION)
                .set(CONVERSATION.TITLE, title)
                .set(CONVERSATION.UPDATED_AT, now)
                .set(CONVERSATION.VERSION, CONVERSATION.VERSION.plus(1))
                .where(mine(orgId, userId, id).and(CONVERSATION.VERSION.eq(version)))
                .execute() == 1;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void touch(ConversationId id, OffsetDateTime now) {
        db.update(CONVERSATION).set(CONVERSATION.UPDATED_AT, now).where(CONVERSATION.ID.eq(id.value())).execute();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean delete(OrganizationId orgId, UserId userId, ConversationId id) {
        return db.deleteFrom(CONVERSATION).where(mine(orgId, userId, id)).execute() == 1;
    }

    public Set<ConnectorId> enabledConnectors(ConversationId id) {
        return db.select(CONVERSATION_CONNECTOR.CONNECTOR_ID).from(CONVERSATION_CONNECTOR)
                .where(CONVERSATION_CONNECTOR.CONVERSATION_ID.eq(id.value()))
                .fetchSet(r -> new ConnectorId(r.value1()));
    }

    /** Switches a connector on or off; true when that changed something. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean setEnabled(OrganizationId orgId, ConversationId id, ConnectorId connectorId, boolean enabled,
            OffsetDateTime now) {
        if (enabled) {
            return db.insertInto(CONVERSATION_CONNECTOR)
                    .set(CONVERSATION_CONNECTOR.CONVERSATION_ID, id.value())
                    .set(CONVERSATION_CONNECTOR.CONNECTOR_ID, connectorId.value())
                    .set(CONVERSATION_CONNECTOR.ORG_ID, orgId)
                    .set(CONVERSATION_CONNECTOR.ENABLED_AT, now)
                    .onConflictDoNothing()
                    .execute() == 1;
        }
        return db.deleteFrom(CONVERSATION_CONNECTOR)
                .where(CONVERSATION_CONNECTOR.CONVERSATION_ID.eq(id.value())
                        .and(CONVERSATION_CONNECTOR.CONNECTOR_ID.eq(connectorId.value())))
                .execute() == 1;
    }

    // ---- tool calls ----

    @Transactional(propagation = Propagation.MANDATORY)
    /** Keeps a call; the entry as stored (one round trip). */
    public ToolCallEntry insertCall(OrganizationId orgId, UserId userId, ConversationId conversationId, UUID callId,
            ConnectorId connectorId, String connectorName, String toolName, String argumentsJson,
            ToolCallStatus status, String message, String clientName, OffsetDateTime now) {
        return toEntry(db.insertInto(TOOL_CALL)
                .set(TOOL_CALL.ID, callId)
                .set(TOOL_CALL.ORG_ID, orgId)
                .set(TOOL_CALL.CONVERSATION_ID, conversationId == null ? null : conversationId.value())
                .set(TOOL_CALL.CLIENT_NAME, clientName)
                .set(TOOL_CALL.USER_ID, userId)
                .set(TOOL_CALL.CONNECTOR_ID, connectorId.value())
                .set(TOOL_CALL.CONNECTOR_NAME, connectorName)
                .set(TOOL_CALL.TOOL_NAME, toolName)
                .set(TOOL_CALL.ARGUMENTS, JSONB.valueOf(argumentsJson))
                .set(TOOL_CALL.STATUS, status.name())
                .set(TOOL_CALL.MESSAGE, message)
                .set(TOOL_CALL.STARTED_AT, now)
                .set(TOOL_CALL.FINISHED_AT, status == ToolCallStatus.RUNNING ? null : now)
                .set(TOOL_CALL.DURATION_MS, status == ToolCallStatus.RUNNING ? null : 0L)
                .returning()
                .fetchSingle());
    }

    /** Records how a running call ended (only once: a call already final stays as it is). */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean finishCall(UUID callId, ToolCallStatus status, ToolOutcome result, String message,
            long durationMs, OffsetDateTime now) {
        return finishing(callId, status, result, message, durationMs, now).execute() == 1;
    }

    /**
     * As {@link #finishCall}, in one round trip: the entry as stored now, or empty when the call was final already
     * (then it stays as it is).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<ToolCallEntry> finishCallReturning(UUID callId, ToolCallStatus status, ToolOutcome result,
            String message, long durationMs, OffsetDateTime now) {
        return finishing(callId, status, result, message, durationMs, now)
                .returning()
                .fetchOptional()
                .map(ConversationRepository::toEntry);
    }

    /** The update that ends a running call (and leaves a final one as it is). */
    private UpdateConditionStep<ToolCallRecord> finishing(UUID callId, ToolCallStatus status, ToolOutcome result,
            String message, long durationMs, OffsetDateTime now) {
        return db.update(TOOL_CALL)
                .set(TOOL_CALL.STATUS, status.name())
                .set(TOOL_CALL.RESULT, result == null ? null : JSONB.valueOf(JSON.writeValueAsString(result)))
                .set(TOOL_CALL.MESSAGE, message)
                .set(TOOL_CALL.FINISHED_AT, now)
                .set(TOOL_CALL.DURATION_MS, durationMs)
                .where(TOOL_CALL.ID.eq(callId).and(TOOL_CALL.STATUS.eq(ToolCallStatus.RUNNING.name())));
    }

    /** One call's end, for {@link #finishCalls}. */
    public record CallEnd(UUID callId, ToolCallStatus status, ToolOutcome result, String message, long durationMs) {
    }

    /**
     * Several calls' ends as {@link #finishCallReturning} would store each (only a call still running is changed),
     * in two round trips: the updates in one batch, then the rows as they are now, by id (a deleted one absent).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public java.util.Map<UUID, ToolCallEntry> finishCalls(List<CallEnd> ends, OffsetDateTime now) {
        db.batch(ends.stream().map(e -> (org.jooq.Query) db.update(TOOL_CALL)
                .set(TOOL_CALL.STATUS, e.status().name())
                .set(TOOL_CALL.RESULT, e.result() == null ? null
                        : JSONB.valueOf(JSON.writeValueAsString(e.result())))
                .set(TOOL_CALL.MESSAGE, e.message())
                .set(TOOL_CALL.FINISHED_AT, now)
                .set(TOOL_CALL.DURATION_MS, e.durationMs())
                .where(TOOL_CALL.ID.eq(e.callId()).and(TOOL_CALL.STATUS.eq(ToolCallStatus.RUNNING.name()))))
                .toList()).execute();
        java.util.Map<UUID, ToolCallEntry> stored = new java.util.HashMap<>();
        db.selectFrom(TOOL_CALL).where(TOOL_CALL.ID.in(ends.stream().map(CallEnd::callId).toList()))
                .forEach(r -> stored.put(r.getId(), toEntry(r)));
        return stored;
    }

    /** Calls still marked running that started before {@code before} (their console instance stopped). */
    @Transactional(propagation = Propagation.MANDATORY)
    public int abandonRunning(OffsetDateTime before, OffsetDateTime now) {
        return db.update(TOOL_CALL)
                .set(TOOL_CALL.STATUS, ToolCallStatus.FAILED.name())
                .set(TOOL_CALL.MESSAGE, "The console stopped while this call ran; its result is unknown.")
                .set(TOOL_CALL.FINISHED_AT, now)
                .where(TOOL_CALL.STATUS.eq(ToolCallStatus.RUNNING.name()).and(TOOL_CALL.STARTED_AT.lt(before)))
                .execute();
    }

    /**
     * Up to {@code limit + 1} calls of the conversation started before {@code before} (or the latest ones when it
     * is null), newest first.
     */
    public List<ToolCallEntry> history(OrganizationId orgId, UserId userId, ConversationId id, ToolCallEntry before,
            int limit) {
        org.jooq.Condition where = TOOL_CALL.ORG_ID.eq(orgId).and(TOOL_CALL.USER_ID.eq(userId))
                .and(TOOL_CALL.CONVERSATION_ID.eq(id.value()));
        if (before != null) {
            where = where.and(DSL.row(TOOL_CALL.STARTED_AT, TOOL_CALL.ID).lt(DSL.row(
                    DSL.val(before.startedAt().atOffset(java.time.ZoneOffset.UTC)), DSL.val(before.id()))));
        }
        return db.selectFrom(TOOL_CALL)
                .where(where)
                .orderBy(TOOL_CALL.STARTED_AT.desc(), TOOL_CALL.ID.desc())
                .limit(limit + 1)
                .fetch(ConversationRepository::toEntry);
    }

    public Optional<ToolCallEntry> findOwnCall(OrganizationId orgId, UserId userId, UUID callId) {
        return db.selectFrom(TOOL_CALL)
                .where(TOOL_CALL.ID.eq(callId).and(TOOL_CALL.ORG_ID.eq(orgId))
                        .and(TOOL_CALL.USER_ID.eq(userId)))
                .fetchOptional(ConversationRepository::toEntry);
    }

    public Optional<ToolCallEntry> findCall(UUID callId) {
        return db.selectFrom(TOOL_CALL).where(TOOL_CALL.ID.eq(callId)).fetchOptional(ConversationRepository::toEntry);
    }

    private static org.jooq.Condition mine(OrganizationId orgId, UserId userId, ConversationId id) {
        return CONVERSATION.ORG_ID.eq(orgId).and(CONVERSATION.USER_ID.eq(userId))
                .and(CONVERSATION.ID.eq(id.value()));
    }

    private static Conversation toConversation(ConversationRecord r) {
        return new Conversation(new ConversationId(r.getId()), r.getTitle(), r.getCreatedAt().toInstant(),
                r.getUpdatedAt().toInstant(), r.getVersion());
    }

    private static ToolCallEntry toEntry(ToolCallRecord r) {
        return new ToolCallEntry(r.getId(), r.getConnectorId() == null ? null : new ConnectorId(r.getConnectorId()),
                r.getConnectorName(), r.getToolName(), r.getArguments().data(), ToolCallStatus.valueOf(r.getStatus()),
                r.getResult() == null ? null : JSON.readValue(r.getResult().data(), ToolOutcome.class),
                r.getMessage(), r.getStartedAt().toInstant(), r.getDurationMs());
    }

    static Set<UUID> ids(Set<ConnectorId> ids) {
        return ids.stream().map(ConnectorId::value).collect(Collectors.toSet());
    }
}
