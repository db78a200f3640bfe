package org.connectorconsole.connector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** At start-up, re-seals client secrets still sealed with an older key (after {@code keyset rotate}). */
@Component
class SecretResealing implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SecretResealing.class);

    private final ConnectorService connectors;

    SecretResealing(ConnectorService connectors) {
        this.connectors = connectors;
    }

    @Override
    public void run(ApplicationArguments args) {
        int resealed = connectors.resealWithPrimaryKey();
        if (resealed > 0) {
            log.info("Re-sealed {} stored client secret(s) with the current primary key.", resealed);
        }
    }
}
