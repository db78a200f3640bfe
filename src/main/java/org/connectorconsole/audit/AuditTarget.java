package org.connectorconsole.audit;

/** Something events are about (a connector, a person), as the log names it: for the filters. */
public record AuditTarget(String id, String label) {
}
