package org.connectorconsole.conversation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.TOOL_CALL;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.base.Plan;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** Several calls' ends in one batch (group commit, decision 0068) store what one end at a time stores. */
@IntegrationTest
class FinishCallsTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConversationRepository repository;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    DSLContext db;

    private UUID call(Org org, ToolCallStatus status) {
        UUID id = UUID.randomUUID();
        db.insertInto(TOOL_CALL).set(TOOL_CALL.ID, id).set(TOOL_CALL.ORG_ID, org.id())
                .set(TOOL_CALL.USER_ID, org.owner().id()).set(TOOL_CALL.CONNECTOR_NAME, "Everything")
                .set(TOOL_CALL.TOOL_NAME, "echo").set(TOOL_CALL.ARGUMENTS, JSONB.valueOf("{}"))
                .set(TOOL_CALL.STATUS, status.name()).set(TOOL_CALL.CLIENT_NAME, "test client")
                .set(TOOL_CALL.STARTED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .execute();
        return id;
    }

    @Test
    void running_calls_end_and_a_call_already_ended_stays_as_it_was() {
        Org org = orgs.create(Plan.TEAM, 0);
        UUID one = call(org, ToolCallStatus.RUNNING);
        UUID two = call(org, ToolCallStatus.RUNNING);
        UUID ended = call(org, ToolCallStatus.CANCELLED);
        UUID gone = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);

        Map<UUID, ToolCallEntry> rows = tx.execute(s -> repository.finishCalls(List.of(
                new ConversationRepository.CallEnd(one, ToolCallStatus.SUCCEEDED, null, null, 12),
                new ConversationRepository.CallEnd(two, ToolCallStatus.TOOL_ERROR, null, "it said no", 34),
                new ConversationRepository.CallEnd(ended, ToolCallStatus.SUCCEEDED, null, null, 56),
                new ConversationRepository.CallEnd(gone, ToolCallStatus.SUCCEEDED, null, null, 78)), now));

        assertThat(rows).containsOnlyKeys(one, two, ended);
        assertThat(rows.get(one).status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(rows.get(one).durationMs()).isEqualTo(12L);
        assertThat(rows.get(two).status()).isEqualTo(ToolCallStatus.TOOL_ERROR);
        assertThat(rows.get(two).message()).isEqualTo("it said no");
        assertThat(rows.get(ended).status()).as("only a running call is ended").isEqualTo(ToolCallStatus.CANCELLED);
        assertThat(db.select(TOOL_CALL.FINISHED_AT).from(TOOL_CALL).where(TOOL_CALL.ID.eq(one)).fetchOne().value1()
                .toInstant()).isEqualTo(now.toInstant());
        assertThat(rows.get(one)).isEqualTo(tx.execute(s -> repository.findCall(one)).orElseThrow());
    }
}
