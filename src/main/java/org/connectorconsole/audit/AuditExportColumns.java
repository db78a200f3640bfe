package org.connectorconsole.audit;

/**
 * The fields of an exported event, in order: the CSV header and the JSON Lines keys. Every field the hash covers
 * is there, in the form it covers it, so an exported file can be verified on its own. (Both formats are written by
 * PostgreSQL's COPY; see {@link AuditReader#export}.)
 */
public final class AuditExportColumns {

    public static final String[] COLUMNS = {"id", "seq", "occurred_at", "org_id", "actor_id", "actor_label",
        "action", "target_type", "target_id", "target_label", "details", "client_address", "user_agent",
        "prev_hash", "hash"};

    private AuditExportColumns() {
    }
}
