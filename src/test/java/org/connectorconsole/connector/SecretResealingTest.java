package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.CONNECTOR;

import org.connectorconsole.base.Plan;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** After a key rotation, secrets sealed with the old key still open and are re-sealed with the new one. */
@IntegrationTest
class SecretResealingTest {

    static final String OLD_KEYSET = SecretSealer.newKeysetJson();
    static final String ROTATED_KEYSET = SecretSealer.rotate(OLD_KEYSET);

    @DynamicPropertySource
    static void rotatedKey(DynamicPropertyRegistry registry) {
        registry.add("console.sealing.keyset", () -> ROTATED_KEYSET);
    }

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    DSLContext db;
    @Autowired
    SecretSealer sealer;

    @Test
    void rotation_reseals_old_values_and_keeps_their_meaning() {
        var org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Old", "https://old.example/mcp", "id", "placeholder", false));
        TestOrganizations.signOut();
        String context = ConnectorService.secretContext(org.id(), c.id());
        byte[] sealedWithOldKey = SecretSealer.fromJson(OLD_KEYSET).seal("the-old-secret", context);
        db.update(CONNECTOR).set(CONNECTOR.OAUTH_CLIENT_SECRET, sealedWithOldKey)
                .where(CONNECTOR.ID.eq(c.id().value())).execute();

        assertThat(connectors.resealWithPrimaryKey()).isGreaterThanOrEqualTo(1);

        byte[] now = db.fetchValue(db.select(CONNECTOR.OAUTH_CLIENT_SECRET).from(CONNECTOR)
                .where(CONNECTOR.ID.eq(c.id().value())));
        assertThat(now).isNotEqualTo(sealedWithOldKey);
        assertThat(sealer.sealedWithPrimary(now)).isTrue();
        assertThat(sealer.open(now, context)).isEqualTo("the-old-secret");
        assertThat(connectors.resealWithPrimaryKey()).as("nothing left to re-seal").isZero();
    }
}
