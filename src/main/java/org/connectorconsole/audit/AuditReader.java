package org.connectorconsole.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongConsumer;
import org.connectorconsole.base.OrganizationId;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reading an organization's audit log: pages, filters, streamed export and chain verification. Callers have
 * checked who may read (see the audit log service); every method is scoped to the organization given.
 */
@Component
public class AuditReader {


    private final AuditReadRepository repository;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate snapshot;
    private final java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(4);

    AuditReader(AuditReadRepository repository, TransactionTemplate tx) {
        this.repository = repository;
        this.readOnly = new TransactionTemplate(tx.getTransactionManager());
        this.readOnly.setReadOnly(true);
        this.snapshot = new TransactionTemplate(tx.getTransactionManager());
        this.snapshot.setReadOnly(true);
        this.snapshot.setIsolationLevel(org.springframework.transaction.TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** A page of events newest first; {@code beforeSeq} is the last seq of the previous page (null: newest). */
    public List<AuditEvent> page(OrganizationId orgId, AuditQuery query, Long beforeSeq, int size) {
        return readOnly.execute(s -> repository.page(orgId, query, beforeSeq, size));
    }

    public long count(OrganizationId orgId, AuditQuery query) {
        return readOnly.execute(s -> repository.count(orgId, query));
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
     * JSON Lines are made from the same COPY (one object a line, every field the hash covers), then a trailer.
     * Returns how many rows were written.
     */
    public long export(OrganizationId orgId, AuditQuery query, AuditExportFormat format, OutputStream out,
            LongConsumer progress) throws IOException {
        return export(reserveExport(), orgId, query, format, out, progress);
    }

    /** As above, in a place among the exports reserved earlier with {@link #reserveExport()} (given back here). */
    public long export(ExportSlot slot, OrganizationId orgId, AuditQuery query, AuditExportFormat format,
            OutputStream out, LongConsumer progress) throws IOException {
        try {
            return exportNow(orgId, query, format, out, progress);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IOException io) {
                    throw io; // the client went away mid-stream
                }
            }
            throw e;
        } finally {
            slot.close();
        }
    }

    /**
     * Takes one of the few places for exports streaming at once (each holds a database connection while the client
     * reads, so only a few, and the console stays up), or refuses at once. Taken before anything else is decided,
     * so a refused caller can still be told so plainly (an API answer that has not started yet).
     */
    public ExportSlot reserveExport() {
        if (!running.tryAcquire()) {
            throw new ExportBusyException();
        }
        return new ExportSlot(running);
    }

    /** A place among the exports streaming at once; closing it gives the place back, once. */
    public static final class ExportSlot implements AutoCloseable {
        private final java.util.concurrent.Semaphore places;
        private final java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);

        private ExportSlot(java.util.concurrent.Semaphore places) {
            this.places = places;
        }

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                places.release();
            }
        }
    }

    /** Too many exports are streaming at once; the message says what to do. */
    public static final class ExportBusyException extends IllegalStateException {
        ExportBusyException() {
            super("Too many audit exports are running right now. Try again in a minute.");
        }
    }

    private long exportNow(OrganizationId orgId, AuditQuery query, AuditExportFormat format, OutputStream out,
            LongConsumer progress) throws IOException {
        if (format == AuditExportFormat.CSV) {
            byte[] header = (String.join(",", AuditExportColumns.COLUMNS) + "\r\n").getBytes(StandardCharsets.UTF_8);
            out.write(header);
            long rows = readOnly.execute(s -> repository.copyCsv(orgId, query, out, progress));
            progress.accept(rows);
            return rows;
        }
        CsvToJsonLines lines = readOnly.execute(s -> repository.copyJsonLines(orgId, query, out, progress));
        String lastSeq = lines.last(AuditReadRepository.SEQ_COLUMN);
        String lastHash = lines.last(AuditReadRepository.HASH_COLUMN);
        // the trailer: a file without it was cut off; it says whether gaps are expected (a filtered export)
        out.write(("{\"export\":{\"rows\":" + lines.rows() + ",\"filtered\":" + query.filtered()
                + ",\"last_seq\":" + (lastSeq == null ? "null" : lastSeq)
                + ",\"last_hash\":" + (lastHash == null ? "null" : "\"" + lastHash + "\"")
                + "}}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        progress.accept(lines.rows());
        return lines.rows();
    }

    /**
     * Walks the organization's whole chain in one snapshot and reports the first broken link, including events
     * missing at the end (the chain must end at its recorded head).
     */
    public AuditVerifier.Result verify(OrganizationId orgId) {
        AuditVerifier verifier = new AuditVerifier(false);
        snapshot.executeWithoutResult(s -> {
            repository.chain(orgId, verifier::accept);
            repository.headSeq(orgId).ifPresent(head -> verifier.expectEnd(head[0], repository.headHash(orgId)));
        });
        return verifier.result();
    }
}
