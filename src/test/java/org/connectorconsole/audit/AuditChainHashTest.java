package org.connectorconsole.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.TreeMap;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.junit.jupiter.api.Test;

class AuditChainHashTest {

    private final UUID id = UUID.randomUUID();
    private final OrganizationId org = OrganizationId.random();
    private final UserId actor = UserId.random();
    private final Instant at = Instant.parse("2026-11-23T10:15:30.123456Z");

    private String hash(String action, TreeMap<String, String> details, String prev) {
        return AuditChain.hash(prev, id, org, 7, at, actor, "a@b.co", action, "connector", "c1", "Jira", details,
                "10.0.0.1", "Firefox");
    }

    private static TreeMap<String, String> details(String... kv) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void same_event_same_hash() {
        assertThat(hash("x", details("k", "v"), AuditChain.GENESIS))
                .isEqualTo(hash("x", details("k", "v"), AuditChain.GENESIS))
                .hasSize(64);
    }

    @Test
    void any_change_changes_the_hash() {
        String base = hash("x", details("k", "v"), AuditChain.GENESIS);
        assertThat(hash("y", details("k", "v"), AuditChain.GENESIS)).isNotEqualTo(base);
        assertThat(hash("x", details("k", "w"), AuditChain.GENESIS)).isNotEqualTo(base);
        assertThat(hash("x", details("k", "v"), "1".repeat(64))).isNotEqualTo(base);
    }

    @Test
    void field_boundaries_cannot_be_shifted() {
        // "ab" + "c" must not hash like "a" + "bc"
        assertThat(hash("x", details("ab", "c"), AuditChain.GENESIS))
                .isNotEqualTo(hash("x", details("a", "bc"), AuditChain.GENESIS));
        assertThat(hash("x", details("k", "-"), AuditChain.GENESIS))
                .as("a '-' value is not a missing value")
                .isNotEqualTo(hash("x", details(), AuditChain.GENESIS));
    }
}
