package org.connectorconsole.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.connectorconsole.audit.AuditChain;
import org.connectorconsole.audit.AuditVerifyCommand;
import org.connectorconsole.base.OrganizationId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line check of an exported file. */
class AuditVerifyCommandTest {

    @TempDir
    Path dir;

    private static String line(OrganizationId org, long seq, String prev, String action, Instant at, UUID id) {
        String hash = AuditChain.hash(prev, id, org, seq, at, null, "a@example.com", action, null, null, null,
                new TreeMap<>(java.util.Map.of("k", "v")), null, null);
        return "{\"id\":\"" + id + "\",\"seq\":" + seq + ",\"occurred_at\":\"" + at + "\",\"org_id\":\"" + org
                + "\",\"actor_id\":null,\"actor_label\":\"a@example.com\",\"action\":\"" + action
                + "\",\"target_type\":null,\"target_id\":null,\"target_label\":null,\"details\":{\"k\": \"v\"},"
                + "\"client_address\":null,\"user_agent\":null,\"prev_hash\":\"" + prev + "\",\"hash\":\"" + hash
                + "\"}";
    }

    private int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = AuditVerifyCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8));
        lastOutput = out.toString(StandardCharsets.UTF_8);
        return status;
    }

    private String lastOutput;

    @Test
    void intact_and_tampered_files_and_bad_arguments() throws Exception {
        OrganizationId org = OrganizationId.random();
        Instant t = Instant.parse("2026-03-01T10:00:00.123456Z");
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        String first = line(org, 1, AuditChain.GENESIS, "member.added", t, a);
        String firstHash = first.substring(first.lastIndexOf(":\"") + 2, first.length() - 2);
        String second = line(org, 2, firstHash, "connector.added", t.plusSeconds(1), b);
        String secondHash = second.substring(second.lastIndexOf(":\"") + 2, second.length() - 2);
        String trailer = "{\"export\":{\"rows\":2,\"filtered\":false,\"last_seq\":2,\"last_hash\":\""
                + secondHash + "\"}}";
        Path good = Files.writeString(dir.resolve("good.jsonl"), first + "\n" + second + "\n" + trailer + "\n");
        assertThat(run(good.toString())).isZero();
        assertThat(lastOutput).contains("intact: 2 events checked");

        Path bad = Files.writeString(dir.resolve("bad.jsonl"), first + "\n"
                + second.replace("connector.added", "connector.removed") + "\n" + trailer + "\n");
        assertThat(run(bad.toString())).isEqualTo(1);
        assertThat(lastOutput).contains("broken at event 2").contains("changed after it was written");

        Path cut = Files.writeString(dir.resolve("cut.jsonl"), first + "\n" + second + "\n");
        assertThat(run(cut.toString())).isEqualTo(1);
        assertThat(lastOutput).contains("no export trailer");
        Path headless = Files.writeString(dir.resolve("headless.jsonl"), second + "\n" + trailer.replace(
                "\"rows\":2", "\"rows\":1") + "\n");
        assertThat(run(headless.toString())).as("the first event removed from a full export").isEqualTo(1);
        assertThat(lastOutput).contains("events 1 are missing");

        Path garbage = Files.writeString(dir.resolve("garbage.jsonl"), "not json\n");
        assertThat(run(garbage.toString())).isEqualTo(1);
        assertThat(lastOutput).contains("line 1 is not an exported audit event");
        assertThat(run(dir.resolve("missing.jsonl").toString())).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
    }
}
