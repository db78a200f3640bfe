package org.connectorconsole.organization;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells the operator, in the log, how to sign in for the first time. */
@Component
class StartupGreeting {

    private static final Logger log = LoggerFactory.getLogger(StartupGreeting.class);

    private final SetupService setup;
    private final Environment environment;

    StartupGreeting(SetupService setup, Environment environment) {
        this.setup = setup;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void greet() {
        String base = environment.getProperty("console.public-url",
                "http://localhost:" + environment.getProperty("local.server.port", "8080"));
        if (setup.isSetupPending()) {
            String code = setup.issueCode();
            log.warn("""

                    ==================================================================
                      Connector Console is ready, and has no owner yet.
                      First-time setup: open {}/setup
                      and enter this one-time code: {}
                      (valid for 24 hours; restart the console for a new one)
                    ==================================================================""", base, code);
        } else {
            log.info("Connector Console is ready: sign in at {}", base);
        }
    }
}
