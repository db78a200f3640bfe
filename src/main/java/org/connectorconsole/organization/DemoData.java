package org.connectorconsole.organization;

import java.util.List;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.Plan;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code demo} profile: a Team organization (an owner, two members), a Pro and a Free individual, all with
 * the password {@value #PASSWORD}. Seeded once; never enable it on a console that holds real data.
 */
@Component
@Profile("demo")
class DemoData implements ApplicationRunner {

    static final String PASSWORD = "demo-password-2026";
    static final String OWNER = "owner@acme.example";
    static final List<String> MEMBERS = List.of("mia@acme.example", "noah@acme.example");
    static final String PRO = "pro@example.com";
    static final String FREE = "free@example.com";

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private final OrganizationRepository repository;
    private final OrganizationProvisioning provisioning;

    DemoData(OrganizationRepository repository, OrganizationProvisioning provisioning) {
        this.repository = repository;
        this.provisioning = provisioning;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        if (repository.emailTaken(OWNER)) {
            log.info("Demo data already present (demo accounts use the password '{}').", PASSWORD);
            return;
        }
        var acme = provisioning.organizationWithOwner("Acme Robotics", Plan.TEAM, "Olivia Owner", OWNER, PASSWORD,
                "demo");
        Actor owner = Actor.person(acme.ownerId(), OWNER);
        provisioning.addPerson(acme.orgId(), owner, "Mia Member", MEMBERS.get(0), PASSWORD, Role.MEMBER);
        provisioning.addPerson(acme.orgId(), owner, "Noah Member", MEMBERS.get(1), PASSWORD, Role.MEMBER);
        provisioning.organizationWithOwner("Pat's workspace", Plan.PRO, "Pat Pro", PRO, PASSWORD, "demo");
        provisioning.organizationWithOwner("Frankie's workspace", Plan.FREE, "Frankie Free", FREE, PASSWORD, "demo");
        log.warn("Demo data seeded: {} (owner), {} (members), {} (Pro), {} (Free); password '{}'. "
                + "Never use the demo profile with real data.", OWNER, MEMBERS, PRO, FREE, PASSWORD);
    }
}
