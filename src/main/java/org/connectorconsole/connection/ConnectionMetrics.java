package org.connectorconsole.connection;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.connectorconsole.base.ConsoleMetrics;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.springframework.stereotype.Component;

/**
 * {@code console.connections{state=…}}: members' connections by stored state, across organizations. One query
 * per scrape at most (the counts are kept for a few seconds), not one per state.
 */
@Component
class ConnectionMetrics implements MeterBinder {

    private static final Duration FRESH_FOR = Duration.ofSeconds(5);

    private final ConnectionRepository repository;
    private Map<String, Long> counts = Map.of();
    private long countedAt = Long.MIN_VALUE;

    ConnectionMetrics(ConnectionRepository repository) {
        this.repository = repository;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ConnectionStatus status : ConnectionStatus.values()) {
            Gauge.builder(ConsoleMetrics.CONNECTIONS, this, m -> m.count(status))
                    .description("Members' connections by state")
                    .tag("state", status.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    private synchronized double count(ConnectionStatus status) {
        long now = System.nanoTime();
        if (countedAt == Long.MIN_VALUE || now - countedAt > FRESH_FOR.toNanos()) {
            counts = repository.countByStatus();
            countedAt = now;
        }
        return counts.getOrDefault(status.name(), 0L);
    }
}
