package org.connectorconsole.conversation;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConsoleMetrics;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.RequestOrigin;
import org.connectorconsole.base.Times;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.conversation.internal.ConversationRepository;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps a tool call in the conversation's history and records its {@code tool.called} audit event: when it starts
 * running, when it ends (in any way), and when it is refused before anything is sent. The audit event carries sizes
 * and SHA-256s of the payloads, and the payloads themselves only when the owners chose so.
 */
@Component
class ToolCallRecorder {

    private static final Logger log = LoggerFactory.getLogger(ToolCallRecorder.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConversationRepository repository;
    private final ToolCatalog catalog;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ConnectionService connections;
    private final LiveChanges live;

    ToolCallRecorder(ConversationRepository repository, ToolCatalog catalog, AuditService audit,
            TransactionTemplate tx, Clock clock, ConnectionService connections, LiveChanges live) {
        this.connections = connections;
        this.live = live;
        this.repository = repository;
        this.catalog = catalog;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.finishing = new GroupCommit<>(tx, MAX_ENDS_PER_TRANSACTION, this::finishAll);
    }

    /** The most call ends stored in one transaction (group commit). */
    private static final int MAX_ENDS_PER_TRANSACTION = 64;
    private final GroupCommit<org.connectorconsole.base.OrganizationId, Finishing, ToolCallEntry> finishing;

    /** Keeps the call in the history as running (the conversation counts as used now) and returns its entry. */
    ToolCallEntry running(PreparedCall call) {
        // one transaction: the row, the conversation's last use, and the entry as stored
        return tx.execute(s -> {
            ToolCallEntry stored = repository.insertCall(call.member().orgId(), call.member().userId(),
                    call.conversationId(), call.callId(), call.connector().id(), call.connector().name(),
                    call.toolName(), call.argumentsJson(), ToolCallStatus.RUNNING, null, call.clientName(), now());
            if (call.conversationId() != null) {
                repository.touch(call.conversationId(), now());
            }
            connections.recordUse(call.member(), call.connector().id());
            // not audited until it ends: the member's open pages hear of it on commit (its end is audited)
            live.publish(LiveChange.forMember(call.member().orgId(), call.member().userId(), LiveTopic.TOOL_CALLS));
            return java.util.Optional.of(stored);
        }).orElseThrow(() -> new NotFoundException("This conversation does not exist (it may have been deleted)."));
    }

    /** Ends the call with a status and message (no result). */
    ToolCallEntry finish(PreparedCall call, ToolCallStatus status, String message, long durationMs) {
        return finish(call, status, null, message, durationMs, null);
    }

    /**
     * Ends the call: the history keeps {@code kept} (the result, perhaps shortened), the audit event describes
     * {@code full} (the result as the server sent it). The conversation may have been deleted meanwhile: then its
     * history row is gone and the audit event is still recorded.
     */
    ToolCallEntry finish(PreparedCall call, ToolCallStatus status, ToolOutcome kept, String message, long durationMs,
            ToolOutcome full) {
        ConsoleMetrics.toolCall(status.name(), Duration.ofMillis(durationMs));
        Member member = call.member();
        Connector connector = call.connector();
        ToolOutcome storable = kept == null ? null : ToolResults.storable(kept);
        String trimmed = ToolResults.trimmed(message);
        ToolCallEntry inMemory = new ToolCallEntry(call.callId(), connector.id(), connector.name(), call.toolName(),
                call.argumentsJson(), status, storable, trimmed, Instant.now(clock), durationMs);
        // one transaction: the owners' payload setting, the history row and the audit event; calls of the same
        // organization ending meanwhile share it (group commit, decision 0068)
        return finishing.run(member.orgId(), new Finishing(call, status, storable, trimmed, message != null,
                durationMs, full, inMemory, RequestOrigin.current().orElse(null)));
    }

    /** One call's end, to be stored with {@link #finishAll}. */
    private record Finishing(PreparedCall call, ToolCallStatus status, ToolOutcome storable, String trimmed,
            boolean hasMessage, long durationMs, ToolOutcome full, ToolCallEntry inMemory, RequestOrigin origin) {
    }

    /**
     * Inside one transaction: the ends of calls of one organization: the owners' payload setting (read once), each
     * history row, and their audit events with one hold of the organization's chain lock, last (held until the
     * commit).
     */
    private List<ToolCallEntry> finishAll(List<Finishing> ends) {
        boolean recordPayloads = catalog.settings(ends.getFirst().call().member().orgId()).recordPayloads();
        List<ToolCallEntry> stored = new ArrayList<>(ends.size());
        List<AuditService.Pending> events = new ArrayList<>(ends.size());
        // several ends: their history rows in one batch and one read (two round trips however many)
        Map<UUID, ToolCallEntry> rows = ends.size() == 1 ? null : repository.finishCalls(ends.stream()
                .map(f -> new ConversationRepository.CallEnd(f.call().callId(), f.status(), f.storable(),
                        f.trimmed(), f.durationMs())).toList(), now());
        for (Finishing f : ends) {
            PreparedCall call = f.call();
            Member member = call.member();
            Connector connector = call.connector();
            ToolCallStatus status = f.status();
            java.util.Optional<ToolCallEntry> finished = rows == null ? repository.finishCallReturning(call.callId(),
                    status, f.storable(), f.trimmed(), f.durationMs(), now())
                    : java.util.Optional.ofNullable(rows.get(call.callId()));
            java.util.Optional<ToolCallEntry> existing = finished.isPresent() ? finished
                    : repository.findCall(call.callId());
            if (finished.isEmpty() && existing.isPresent() && existing.get().status() != ToolCallStatus.RUNNING) {
                // this end is stored already, with its event: a batch whose commit reached the database though the
                // driver reported it failed, now done again one end at a time (GroupCommit); never audit it twice
                stored.add(existing.get());
                continue;
            }
            Map<String, String> details = callDetails(call.conversationId(), call.clientName(), call.toolName(),
                    call.argumentsJson(), recordPayloads);
            details.put("outcome", status.name());
            details.put("durationMs", String.valueOf(f.durationMs()));
            if (call.approved()) {
                details.put("confirmedByMember", "true");
            }
            if (f.full() != null) {
                String resultJson = JSON.writeValueAsString(f.full());
                details.put("resultBytes", String.valueOf(resultJson.getBytes(StandardCharsets.UTF_8).length));
                details.put("resultSha256", ToolArguments.sha256(resultJson));
                if (recordPayloads) {
                    details.put("result", ToolResults.printable(ToolResults.cut(resultJson)));
                }
            }
            if (f.hasMessage() && status != ToolCallStatus.SUCCEEDED) {
                details.put("reason", f.trimmed());
            }
            stored.add(existing.orElse(f.inMemory()));
            events.add(new AuditService.Pending(AuditRecord.of(member.orgId(), member.actor(),
                    AuditAction.TOOL_CALLED).target("connector", connector.id().toString(), connector.name())
                    .details(details), f.origin()));
        }
        // last: the audit events take the organization's chain lock, held until the commit
        audit.recordAll(events);
        return stored;
    }

    /** Keeps a call refused before anything was sent (as Refused, with the reason) and returns what to throw. */
    ToolRefusedException refuse(Member member, ToolCall call, Connector connector, String toolName,
            String argumentsJson, String reason) {
        boolean recordPayloads = catalog.settings(member.orgId()).recordPayloads();
        ConversationId conversationId = call.conversationId();
        try {
            tx.executeWithoutResult(s -> repository.insertCall(member.orgId(), member.userId(), conversationId,
                    UUID.randomUUID(), connector.id(), connector.name(), ToolResults.cutName(toolName),
                    argumentsJson, ToolCallStatus.REFUSED, ToolResults.trimmed(reason), call.clientName(), now()));
        } catch (DataAccessException e) {
            log.debug("The refused call could not be kept in the history (conversation deleted?)", e);
        }
        tx.executeWithoutResult(s -> {
            Map<String, String> details = callDetails(conversationId, call.clientName(), toolName, argumentsJson,
                    recordPayloads);
            details.put("outcome", ToolCallStatus.REFUSED.name());
            details.put("reason", ToolResults.trimmed(reason));
            audit.record(AuditRecord.of(member.orgId(), member.actor(), AuditAction.TOOL_CALLED)
                    .target("connector", connector.id().toString(), connector.name()).details(details));
        });
        return new ToolRefusedException(reason);
    }

    private static Map<String, String> callDetails(ConversationId conversationId, String clientName,
            String toolName, String argumentsJson, boolean recordPayloads) {
        Map<String, String> details = new LinkedHashMap<>();
        if (conversationId != null) {
            details.put("conversation", conversationId.toString());
        }
        if (clientName != null) {
            // a call through the gateway: the MCP client that made it, as it introduced itself
            details.put("via", "gateway");
            details.put("client", ToolResults.trimmed(clientName));
        }
        details.put("tool", ToolResults.cutName(toolName));
        details.put("argumentsBytes", String.valueOf(argumentsJson.getBytes(StandardCharsets.UTF_8).length));
        details.put("argumentsSha256", ToolArguments.sha256(argumentsJson));
        if (recordPayloads) {
            details.put("arguments", ToolResults.printable(ToolResults.cut(argumentsJson)));
        }
        return details;
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }
}
