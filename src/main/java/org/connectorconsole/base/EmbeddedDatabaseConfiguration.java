package org.connectorconsole.base;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Starts an embedded PostgreSQL when no database is configured ({@code spring.datasource.url} unset), so a fresh
 * clone runs with one command. The data directory survives restarts; delete it to start over. It listens on
 * 127.0.0.1 only (port {@code console.embedded-db.port}, free one by default) and requires the password kept
 * beside the data folder ({@link EmbeddedDatabasePassword}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatabaseConfigured.class)
public class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(
            @Value("${console.embedded-db.data-dir:.data/postgres}") String dataDir,
            @Value("${console.embedded-db.port:0}") int port,
            @Value("${console.embedded-db.fresh:false}") boolean fresh) throws IOException, SQLException {
        Path dir = Path.of(dataDir).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path passwordFile = EmbeddedDatabasePassword.fileFor(dir);
        String password = EmbeddedDatabasePassword.readOrCreate(passwordFile);
        log.info("No database configured (SPRING_DATASOURCE_URL unset): starting embedded PostgreSQL, data in {}", dir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(fresh)
                .setPort(port)
                // loopback only; a new data folder trusts nobody: initdb takes the password and the method
                // (these two reach initdb only, after its own "-A trust", and the last one given wins)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setLocaleConfig("auth", "scram-sha-256")
                .setLocaleConfig("pwfile", passwordFile.toString())
                .setConnectConfig("password", password)
                .setServerConfig("max_connections", "200")
                // stopped when the application context closes (destroyMethod), after everything that uses it; the
                // library's own JVM shutdown hook would stop it at the same moment as the context's shutdown,
                // under the feet of whatever is still finishing its work
                .setRegisterShutdownHook(false)
                .start();
        if (EmbeddedDatabaseAccess.trustsConnections(dir)) {
            EmbeddedDatabaseAccess.requirePassword(dir, postgres.getPostgresDatabase(), password);
        }
        return postgres;
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres,
            @Value("${console.embedded-db.data-dir:.data/postgres}") String dataDir) throws IOException {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        ds.setUsername("postgres");
        ds.setPassword(EmbeddedDatabasePassword.readOrCreate(EmbeddedDatabasePassword.fileFor(Path.of(dataDir))));
        ds.setPoolName("embedded-postgres");
        ds.setMaximumPoolSize(20);
        return ds;
    }

    static final class NoDatabaseConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }

}
