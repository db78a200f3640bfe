package org.connectorconsole.support;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.Role;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates organizations and people with unique names for a test (tests share one database and never assume it
 * is empty), and signs them in through the real authentication manager.
 */
@Component
public class TestOrganizations {

    public static final String PASSWORD = "test-password-1234";

    public record Person(UserId id, String email, String name) {
    }

    public record Org(OrganizationId id, String name, Plan plan, Person owner, List<Person> members) {
    }

    private final OrganizationRepository repository;
    private final PasswordEncoder passwordEncoder;
    private final TransactionTemplate tx;
    private final AuthenticationManager authenticationManager;

    TestOrganizations(OrganizationRepository repository, PasswordEncoder passwordEncoder, TransactionTemplate tx,
            AuthenticationConfiguration authentication) throws Exception {
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
        this.tx = tx;
        this.authenticationManager = authentication.getAuthenticationManager();
    }

    public Org create(Plan plan, int members) {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        return tx.execute(status -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            OrganizationId orgId = OrganizationId.random();
            String orgName = "Org " + tag;
            repository.insertOrganization(orgId, orgName, plan, now);
            Person owner = person("owner-" + tag, "Owner " + tag, now);
            repository.insertMembership(orgId, owner.id(), Role.OWNER, now);
            List<Person> people = new java.util.ArrayList<>();
            for (int i = 0; i < members; i++) {
                Person p = person("member" + i + "-" + tag, "Member " + i + " " + tag, now);
                repository.insertMembership(orgId, p.id(), Role.MEMBER, now);
                people.add(p);
            }
            return new Org(orgId, orgName, plan, owner, List.copyOf(people));
        });
    }

    private Person person(String local, String name, OffsetDateTime now) {
        UserId id = UserId.random();
        String email = local + "@test.example";
        repository.insertUser(id, email, name, passwordEncoder.encode(PASSWORD), now);
        return new Person(id, email, name);
    }

    /** Signs the person in as the login form would, and makes them the current user of this thread. */
    public Authentication signIn(Person person) {
        Authentication auth = authenticationManager.authenticate(
                UsernamePasswordAuthenticationToken.unauthenticated(person.email(), PASSWORD));
        SecurityContextHolder.getContext().setAuthentication(auth);
        return auth;
    }

    public static void signOut() {
        SecurityContextHolder.clearContext();
    }
}
