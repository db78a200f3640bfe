package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.connectorconsole.auditlog.ApiTokenService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.RunLast;
import org.connectorconsole.support.SuiteDatabases;
import org.connectorconsole.support.SuiteSecrets;
import org.connectorconsole.support.TestOrganizations;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Runs after every other test class in the same JVM ({@link RunLast}): every test database still open — each
 * test context has its own — is dumped table by table, and must hold none of the secrets and tokens the whole
 * suite registered ({@link SuiteSecrets#register}: client secrets, access and refresh tokens, codes), nothing
 * shaped like an API token, a JWT or a test secret, and nothing unsealed in a {@code bytea} column. Databases
 * closed earlier were inspected as they closed; their findings count here too.
 */
@IntegrationTest
@RunLast
class SealedDataAfterSuiteTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ApiTokenService apiTokens;
    @Autowired
    DataSource dataSource;

    @Test
    void no_database_of_the_whole_suite_holds_a_secret_or_token_readable() throws Exception {
        // this class's own secrets, so the check has something to find even when run alone
        var org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        String secret = "suite-client-secret-" + System.nanoTime();
        SuiteSecrets.register(secret);
        connectors.add(new ConnectorForm("Sealed", "https://sealed-" + System.nanoTime() + ".example/mcp",
                "client", secret, false));
        SuiteSecrets.register(apiTokens.create("suite token").secret());
        TestOrganizations.signOut();

        Set<String> secrets = SuiteSecrets.registered();
        List<String> findings = new ArrayList<>(SuiteSecrets.earlierFindings());
        Set<SuiteDatabases> databases = SuiteDatabases.open();
        for (SuiteDatabases db : databases) {
            findings.addAll(db.inspect(secrets));
        }
        System.out.printf("Sealed data: %d databases inspected now, %d registered secrets and tokens%n",
                databases.size(), secrets.size());
        assertThat(databases).as("test databases inspected").isNotEmpty();
        assertThat(secrets).as("secrets registered").hasSizeGreaterThanOrEqualTo(2);
        assertThat(findings).as("secrets or tokens readable in a test database").isEmpty();
    }

    @Test
    void the_inspection_finds_a_secret_stored_unsealed() throws Exception {
        // plants a plaintext client secret in a connector row inside a transaction that is rolled back
        var org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Planted", "https://planted-" + System.nanoTime()
                + ".example/mcp"));
        TestOrganizations.signOut();
        String planted = "planted-secret-" + System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (var update = connection.prepareStatement(
                    "update connector set oauth_client_secret = ? where id = ?")) {
                update.setBytes(1, planted.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                update.setObject(2, c.id().value());
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            Set<String> secrets = new HashSet<>(Set.of(planted));
            List<String> found = SuiteSecrets.inspect(connection, "planted", secrets);
            connection.rollback();
            assertThat(found).anyMatch(f -> f.contains("registered secret"))
                    .anyMatch(f -> f.contains("connector.oauth_client_secret holds a value that is not sealed"));
            assertThat(SuiteSecrets.inspect(connection, "planted", secrets)).as("after the rollback").isEmpty();
        }
    }
}
