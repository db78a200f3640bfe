package org.connectorconsole.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongConsumer;
import org.connectorconsole.base.OrganizationId;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reading an organisation's audit log: pages, filters, streamed export and chain verification. Callers have
 * checked who may read (see the audit log service); every method is scoped to the organisation given.
 */
@Component
public class AuditReader {

    private final AuditReadRepository repository;
    private final TransactionTemplate readOnly;

    AuditReader(AuditReadRepository repository, TransactionTemplate tx) {
        this.repository = repository;
        this.readOnly = new TransactionTemplate(tx.getTransactionManager());
        this.readOnly.setReadOnly(true);
    }

    /** A page of events newest first; {@code beforeSeq} is the last seq of the previous page (null: newest). */
    public List<AuditEvent> page(OrganizationId orgId, AuditQuery query, Long beforeSeq, int size) {
        return readOnly.execute(s -> repository.page(orgId, query, beforeSeq, size));
    }

    public long count(OrganizationId orgId, AuditQuery query) {
        return readOnly.execute(s -> repository.count(orgId, query));
    }

    public List<String> actions(OrganizationId orgId) {
        return readOnly.execute(s -> repository.actions(orgId));
    }

    public List<AuditTarget> targets(OrganizationId orgId, String type) {
        return readOnly.execute(s -> repository.targets(orgId, type));
    }

    public List<AuditTarget> actors(OrganizationId orgId) {
        return readOnly.execute(s -> repository.actors(orgId));
    }

    /**
     * Writes the filtered events, oldest first, to {@code out} (UTF-8), streaming from the database; {@code
     * progress} gets the number of rows written so far every 1,000 rows. CSV goes through PostgreSQL's COPY;
     * JSON Lines are written here, in the exact form the hash covers. Returns how many rows were written.
     */
    public long export(OrganizationId orgId, AuditQuery query, AuditExportFormat format, OutputStream out,
            LongConsumer progress) throws IOException {
        if (format == AuditExportFormat.CSV) {
            byte[] header = (String.join(",", AuditExportWriter.COLUMNS) + "\r\n").getBytes(StandardCharsets.UTF_8);
            out.write(header);
            try {
                long rows = readOnly.execute(s -> repository.copyCsv(orgId, query, out, progress));
                progress.accept(rows);
                return rows;
            } catch (org.springframework.dao.DataAccessException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof IOException io) {
                        throw io;
                    }
                }
                throw e;
            }
        }
        Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        AuditExportWriter writer = new AuditExportWriter(text);
        long[] rows = {0};
        try {
            readOnly.executeWithoutResult(s -> repository.stream(orgId, query, values -> {
                try {
                    writer.row(values);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (++rows[0] % 1000 == 0) {
                    progress.accept(rows[0]);
                }
            }));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writer.flush();
        progress.accept(rows[0]);
        return rows[0];
    }

    /** Walks the organisation's whole chain and reports the first broken link. */
    public AuditVerifier.Result verify(OrganizationId orgId) {
        AuditVerifier verifier = new AuditVerifier(true);
        readOnly.executeWithoutResult(s -> repository.chain(orgId, verifier::accept));
        return verifier.result();
    }
}
