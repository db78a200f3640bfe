package org.connectorconsole.support;

import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Present in every test context (component scan): remembers the context's database so the last test class can
 * inspect it, and inspects it itself when the context closes early (evicted from Spring's context cache).
 */
@Component
public class SuiteDatabases {

    private static final Set<SuiteDatabases> OPEN = ConcurrentHashMap.newKeySet();

    private final DataSource dataSource;
    private final String name;

    SuiteDatabases(DataSource dataSource) {
        this.dataSource = dataSource;
        this.name = "test database #" + (OPEN.size() + 1) + " (" + dataSource + ")";
        OPEN.add(this);
    }

    public static Set<SuiteDatabases> open() {
        return Set.copyOf(OPEN);
    }

    public String name() {
        return name;
    }

    public List<String> inspect(Set<String> secrets) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            return SuiteSecrets.inspect(connection, name, secrets);
        }
    }

    @PreDestroy
    void closing() {
        OPEN.remove(this);
        try {
            SuiteSecrets.recordFindings(inspect(SuiteSecrets.registered()));
        } catch (Exception e) {
            SuiteSecrets.recordFindings(List.of(name + " could not be inspected before it closed: " + e));
        }
    }
}
