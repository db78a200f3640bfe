package org.connectorconsole.support;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Present in every test context (component scan): remembers the context's database so the last test class can
 * inspect it, and inspects it itself when the context closes early (evicted from Spring's context cache).
 */
@Component
public class SuiteDatabases {

    private static final Set<SuiteDatabases> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger CREATED = new AtomicInteger();

    private final DataSource dataSource;
    private final String name;

    SuiteDatabases(DataSource dataSource) {
        this.dataSource = dataSource;
        // numbered in creation order (the count of open ones repeats once one closes), named by its address: a
        // finding then says which test's database it is (a pool's name is not set before it starts)
        this.name = "test database #" + CREATED.incrementAndGet() + " (" + (dataSource instanceof HikariDataSource h
                ? h.getJdbcUrl() : dataSource.toString()) + ")";
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
