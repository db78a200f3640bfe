package org.connectorconsole.auditlog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.connectorconsole.audit.Actor;
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
 * Owners read, export and verify their organisation's audit log; nobody else does. Exports and verifications
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

    public List<String> actions() {
        return reader.actions(owner().orgId());
    }

    public List<AuditTarget> connectors() {
        return reader.targets(owner().orgId(), "connector");
    }

    public List<AuditTarget> members() {
        return reader.actors(owner().orgId());
    }

    /** The signed-in owner's export (the view's download). The caller's thread streams it. */
    public long export(AuditQuery query, AuditExportFormat format, OutputStream out, LongConsumer progress)
            throws IOException {
        Member owner = owner();
        return exportFor(owner.orgId(), owner.actor(), query.validated(), format, out, progress);
    }

    /** An export for an already authenticated caller (an API token): the organisation is the token's. */
    public long exportFor(OrganizationId orgId, Actor actor, AuditQuery query, AuditExportFormat format, OutputStream out,
            LongConsumer progress) throws IOException {
        long rows = reader.export(orgId, query, format, out, progress);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("format", format.extension());
        details.put("rows", Long.toString(rows));
        details.put("from", query.from() == null ? "" : query.from().toString());
        details.put("to", query.to() == null ? "" : query.to().toString());
        if (query.action() != null) {
            details.put("action", query.action());
        }
        if (query.text() != null) {
            details.put("text", query.text());
        }
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(orgId, actor, "audit.exported").details(details)));
        return rows;
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
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(owner.orgId(), owner.actor(), "audit.verified")
                .details(details)));
        return result;
    }

    private Member owner() {
        return tx.execute(s -> currentMember.requireOwner());
    }
}
