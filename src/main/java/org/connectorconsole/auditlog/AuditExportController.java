package org.connectorconsole.auditlog;

import org.connectorconsole.base.ConsoleMetrics;
import java.io.BufferedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.connectorconsole.audit.AuditExportFormat;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.audit.AuditReader;
import org.connectorconsole.base.ValidationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /api/audit/export?format=csv|jsonl&from=&to=} for compliance tools, with an owner-issued API token
 * ({@code Authorization: Bearer ccat_…}, scope {@code audit:export}). The token decides the organization; the
 * answer streams (memory stays flat however long the log). Bad parameters get a 400 with the reason.
 */
@RestController
class AuditExportController {

    private final AuditLogService auditLog;

    AuditExportController(AuditLogService auditLog) {
        this.auditLog = auditLog;
    }

    @GetMapping("/api/audit/export")
    ResponseEntity<StreamingResponseBody> export(@RequestAttribute(ApiSecurityConfiguration.CALLER) ApiTokenService.ApiCaller caller,
            @RequestParam(required = false) String format, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        Optional<AuditExportFormat> chosen = AuditExportFormat.parse(format == null ? "csv" : format);
        if (chosen.isEmpty()) {
            return problem("format must be csv or jsonl.");
        }
        AuditQuery query;
        try {
            query = new AuditQuery(instant(from), instant(to), null, null, null, null, null).validated();
        } catch (DateTimeParseException e) {
            return problem("from and to are ISO-8601 instants, e.g. 2026-11-01T00:00:00Z.");
        } catch (ValidationException e) {
            return problem(String.join(" ", e.fieldErrors().values()));
        }
        AuditExportFormat f = chosen.get();
        // recorded here, on the request's thread (with its address), before anything is sent
        AuditLogService.Export export;
        try {
            export = auditLog.begin(caller.orgId(), caller.actor(), query, f);
        } catch (AuditReader.ExportBusyException e) {
            // refused before the answer starts, so the client hears why and when to come back
            return busy(e.getMessage());
        }
        StreamingResponseBody body = out -> {
            long started = System.nanoTime();
            CountingOutputStream counted = new CountingOutputStream(out);
            BufferedOutputStream buffered = new BufferedOutputStream(counted, 1 << 16);
            long rows = auditLog.stream(export, buffered, progress -> { });
            buffered.flush();
            ConsoleMetrics.exported(f.extension(), rows, counted.count(),
                    java.time.Duration.ofNanos(System.nanoTime() - started));
        };
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, f.contentType())
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-log." + f.extension() + "\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(body);
    }

    private static Instant instant(String text) {
        return text == null || text.isBlank() ? null : Instant.parse(text.strip());
    }

    private static ResponseEntity<StreamingResponseBody> busy(String message) {
        byte[] body = ("{\"error\":\"busy\",\"message\":\"" + message.replace("\"", "'") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.CONTENT_TYPE, ApiNotFoundController.JSON_UTF8)
                .header(HttpHeaders.RETRY_AFTER, "60")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(out -> out.write(body));
    }

    private static ResponseEntity<StreamingResponseBody> problem(String message) {
        byte[] body = ("{\"error\":\"invalid_request\",\"message\":\"" + message.replace("\"", "'") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        return ResponseEntity.badRequest().header(HttpHeaders.CONTENT_TYPE, ApiNotFoundController.JSON_UTF8)
                .body(out -> out.write(body));
    }

    /** Counts what the export sent, for the bytes-exported meter. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws java.io.IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }
}
