package org.connectorconsole.auditlog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditEvent;
import org.connectorconsole.audit.AuditExportFormat;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.audit.AuditReader;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.audit.AuditTarget;
import org.connectorconsole.audit.AuditVerifier;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Owners read, export and verify their organization's audit log; nobody else does. Exports and verifications
 * are themselves audit events.
 */
@Service
public class AuditLogService {

    public static final int PAGE_SIZE = 50;

    /** A page of events, and where the next (older) one starts, if any. */
    public record Page(List<AuditEvent> events, Long nextBeforeSeq) {
    }

    private final CurrentMember currentMember;
    private final AuditReader reader;
    private final AuditService audit;
    private final TransactionTemplate tx;

    AuditLogService(CurrentMember currentMember, AuditReader reader, AuditService audit, TransactionTemplate tx) {
        this.currentMember = currentMember;
        this.reader = reader;
        this.audit = audit;
        this.tx = tx;
    }

    public Page page(AuditQuery query, Long beforeSeq) {
        Member owner = owner();
        List<AuditEvent> rows = reader.page(owner.orgId(), query.validated(), beforeSeq, PAGE_SIZE + 1);
        boolean more = rows.size() > PAGE_SIZE;
        List<AuditEvent> shown = more ? rows.subList(0, PAGE_SIZE) : rows;
        return new Page(List.copyOf(shown), more ? shown.getLast().seq() : null);
    }

    public long count(AuditQuery query) {
        return reader.count(owner().orgId(), query.validated());
    }

    /** The action filter's choices: every catalogued action ({@link AuditAction}), not a scan of the log. */
    public List<String> actions() {
        owner();
        return AuditAction.wireNames();
    }

    public List<AuditTarget> connectors() {
        return reader.targets(owner().orgId(), "connector");
    }

    public List<AuditTarget> members() {
        return reader.actors(owner().orgId());
    }

    /**
     * An export that holds its place among the exports streaming at once, has been recorded as started and is
     * about to stream; {@link #stream} gives the place back.
     */
    public record Export(OrganizationId orgId, Actor actor, AuditQuery query, AuditExportFormat format,
            AuditReader.ExportSlot slot) {
    }

    /** The signed-in owner's export (the view's download), recorded and streamed on the calling thread. */
    public long export(AuditQuery query, AuditExportFormat format, OutputStream out, LongConsumer progress)
            throws IOException {
        Member owner = owner();
        return stream(begin(owner.orgId(), owner.actor(), query.validated(), format), out, progress);
    }

    /**
     * Takes a place among the exports streaming at once (or throws {@link AuditReader.ExportBusyException} before
     * anything is recorded), then records who exports what before a byte is sent (so even an export broken off
     * midway is in the log, with the caller's address); the caller then streams it with {@link #stream}.
     */
    public Export begin(OrganizationId orgId, Actor actor, AuditQuery query, AuditExportFormat format) {
        AuditReader.ExportSlot slot = reader.reserveExport();
        try {
            return record(orgId, actor, query, format, slot);
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    private Export record(OrganizationId orgId, Actor actor, AuditQuery query, AuditExportFormat format,
            AuditReader.ExportSlot slot) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("format", format.extension());
        details.put("from", query.from() == null ? "" : query.from().toString());
        details.put("to", query.to() == null ? "" : query.to().toString());
        for (var part : new String[][] {{"action", query.action()}, {"actor", query.actor()},
            {"targetId", query.targetId()}, {"member", query.member() == null ? null : query.member().toString()},
            {"text", query.text()}}) {
            if (part[1] != null) {
                details.put(part[0], part[1]);
            }
        }
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(orgId, actor, AuditAction.AUDIT_EXPORTED)
                .details(details)));
        return new Export(orgId, actor, query, format, slot);
    }

    /** Streams a begun export; its outcome (rows sent, or where it stopped) is recorded too. */
    public long stream(Export export, OutputStream out, LongConsumer progress) throws IOException {
        long[] sent = {0};
        String outcome = "interrupted";
        try {
            long rows = reader.export(export.slot(), export.orgId(), export.query(), export.format(), out, n -> {
                sent[0] = n;
                progress.accept(n);
            });
            sent[0] = rows;
            outcome = "completed";
            return rows;
        } finally {
            Map<String, String> details = Map.of("format", export.format().extension(), "rows",
                    Long.toString(sent[0]), "outcome", outcome);
            try {
                tx.executeWithoutResult(s -> audit.record(AuditRecord.of(export.orgId(), export.actor(),
                        AuditAction.AUDIT_EXPORT_FINISHED).details(details)));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(AuditLogService.class).warn("Could not record the end of an "
                        + "audit export", e);
            }
        }
    }

    public AuditVerifier.Result verify() {
        Member owner = owner();
        AuditVerifier.Result result = reader.verify(owner.orgId());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("checked", Long.toString(result.checked()));
        details.put("outcome", result.intact() ? "intact" : "broken");
        if (!result.intact()) {
            details.put("brokenAtSeq", String.valueOf(result.brokenAtSeq()));
        }
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(owner.orgId(), owner.actor(),
                AuditAction.AUDIT_VERIFIED).details(details)));
        return result;
    }

    private Member owner() {
        return tx.execute(s -> currentMember.requireOwner());
    }
}
