package org.connectorconsole.support;

import org.jooq.DSLContext;

/**
 * Many members or connectors for an organization in one statement each (no password hashing, no checks): for list
 * paging tests. Member names repeat in threes ("Person 0", "Person 1"…) except #7 "100% Dev" and #8 "Under_score";
 * every fourth connector is called "Same name", the others "Tools N".
 */
public final class BulkRows {

    private BulkRows() {
    }

    public static void members(DSLContext db, TestOrganizations.Org org, int count) {
        String tag = org.id().toString().substring(0, 8);
        db.execute("insert into app_user (id, email, display_name, password_hash, created_at) "
                + "select gen_random_uuid(), 'p' || g || '-" + tag + "@paging.example', "
                + "case when g = 7 then '100% Dev' when g = 8 then 'Under_score' else 'Person ' || (g / 3) end, "
                + "null, now() from generate_series(1, ?) g", count);
        db.execute("insert into membership (org_id, user_id, role, created_at) select ?, id, 'MEMBER', now() "
                + "from app_user where email like '%-" + tag + "@paging.example'", org.id().value());
    }

    public static void connectors(DSLContext db, TestOrganizations.Org org, int count) {
        String tag = org.id().toString().substring(0, 8);
        db.execute("insert into connector (id, org_id, name, url, enabled, created_at, updated_at) "
                + "select gen_random_uuid(), ?, case when g % 4 = 0 then 'Same name' else 'Tools ' || g end, "
                + "'https://c' || g || '-" + tag + ".example/mcp', true, now(), now() from generate_series(1, ?) g",
                org.id().value(), count);
    }
}
