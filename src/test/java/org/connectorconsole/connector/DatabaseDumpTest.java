package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.DatabaseDump;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A data dump of every table (COPY ... TO STDOUT, as pg_dump writes data) contains no client secret: not in
 * clear, not hex-encoded, not Base64-encoded. Covers the secrets this test stores and those other tests in the
 * same database stored before it (all test secrets start with "s3cret-").
 */
@IntegrationTest
class DatabaseDumpTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    DataSource dataSource;

    @Test
    void dump_contains_no_client_secret_in_clear() throws Exception {
        var org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        String secret = "s3cret-dump-" + System.nanoTime();
        Connector c = connectors.add(new ConnectorForm("Dumped", "https://dump.example/mcp", "client", secret, false));
        connectors.update(c.id(), c.version(), new ConnectorForm("Dumped again", c.url(), "client",
                secret + "-replaced", false));
        TestOrganizations.signOut();

        String dump = DatabaseDump.all(dataSource);
        assertThat(dump).contains("dump.example").as("the dump really has the connector rows");
        DatabaseDump.assertHoldsNone(dump, secret, secret + "-replaced", "s3cret-");
    }
}
