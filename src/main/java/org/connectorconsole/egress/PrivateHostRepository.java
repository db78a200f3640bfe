package org.connectorconsole.egress;

import static org.connectorconsole.db.Tables.EGRESS_PRIVATE_HOST;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

@Repository
class PrivateHostRepository {

    private final DSLContext db;

    PrivateHostRepository(DSLContext db) {
        this.db = db;
    }

    Set<String> hosts(OrganizationId orgId) {
        return new TreeSet<>(db.select(EGRESS_PRIVATE_HOST.HOST).from(EGRESS_PRIVATE_HOST)
                .where(EGRESS_PRIVATE_HOST.ORG_ID.eq(orgId))
                .fetch(EGRESS_PRIVATE_HOST.HOST));
    }

    List<String> list(OrganizationId orgId) {
        return List.copyOf(hosts(orgId));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    boolean insert(OrganizationId orgId, String host, UserId by, OffsetDateTime now) {
        return db.insertInto(EGRESS_PRIVATE_HOST)
                .set(EGRESS_PRIVATE_HOST.ORG_ID, orgId)
                .set(EGRESS_PRIVATE_HOST.HOST, host)
                .set(EGRESS_PRIVATE_HOST.CREATED_AT, now)
                .set(EGRESS_PRIVATE_HOST.CREATED_BY, by)
                .onConflictDoNothing()
                .execute() == 1;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    boolean delete(OrganizationId orgId, String host) {
        return db.deleteFrom(EGRESS_PRIVATE_HOST)
                .where(EGRESS_PRIVATE_HOST.ORG_ID.eq(orgId).and(EGRESS_PRIVATE_HOST.HOST.eq(host)))
                .execute() == 1;
    }
}
