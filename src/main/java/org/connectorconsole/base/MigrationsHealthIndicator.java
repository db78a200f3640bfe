package org.connectorconsole.base;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health of the schema: DOWN while a migration is pending or has failed. */
@Component("migrations")
class MigrationsHealthIndicator implements HealthIndicator {

    private final Flyway flyway;

    MigrationsHealthIndicator(Flyway flyway) {
        this.flyway = flyway;
    }

    @Override
    public Health health() {
        var info = flyway.info();
        MigrationInfo current = info.current();
        int pending = info.pending().length;
        boolean failed = current != null && current.getState().isFailed();
        Health.Builder health = pending == 0 && !failed ? Health.up() : Health.down();
        return health.withDetail("version", current == null ? "none" : current.getVersion().toString())
                .withDetail("pending", pending)
                .build();
    }
}
