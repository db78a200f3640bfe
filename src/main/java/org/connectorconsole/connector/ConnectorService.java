package org.connectorconsole.connector;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Times;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.internal.ConnectorRepository;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressPolicy;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Custom connectors, managed by owners: Team/Enterprise owners for their organization, Pro/Max individuals for
 * themselves. Members and Free individuals are refused here, whatever a view shows.
 */
@Service
public class ConnectorService implements DisposableBean {

    public static final int MAX_NAME = 100;
    public static final int MAX_CLIENT_ID = 512;
    public static final int MAX_CLIENT_SECRET = 1024;

    private static final Logger log = LoggerFactory.getLogger(ConnectorService.class);

    /** Whether the signed-in owner may use custom connectors at all. */
    public enum Availability {
        AVAILABLE, NEEDS_PAID_PLAN
    }

    private final CurrentMember currentMember;
    private final ConnectorRepository repository;
    private final SecretSealer sealer;
    private final Egress egress;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ConnectionDoctor doctor;
    private final ApplicationEventPublisher events;
    private final ToolCatalog toolCatalog;
    private final IconFetcher icons;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    ConnectorService(CurrentMember currentMember, ConnectorRepository repository, SecretSealer sealer, Egress egress,
            AuditService audit, TransactionTemplate tx, Clock clock, ApplicationEventPublisher events,
            ToolCatalog toolCatalog, IconFetcher icons, @Value("${console.public-url:}") String publicUrl) {
        this.icons = icons;
        this.events = events;
        this.toolCatalog = toolCatalog;
        this.currentMember = currentMember;
        this.repository = repository;
        this.sealer = sealer;
        this.egress = egress;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.doctor = new ConnectionDoctor(clock, publicUrl.startsWith("https://"));
    }

    /** For the view: an owner on the Free plan is told about paid plans instead of getting a form. */
    @Transactional(readOnly = true)
    public Availability availability() {
        Member owner = currentMember.requireOwner();
        return owner.plan().allowsCustomConnectors() ? Availability.AVAILABLE : Availability.NEEDS_PAID_PLAN;
    }

    @Transactional(readOnly = true)
    public List<Connector> list() {
        return repository.list(manager().orgId());
    }

    /**
     * A page of the connectors list, by name: the {@code limit} connectors after {@code after} (the last one of the
     * page before, or null for the first page), optionally only those whose name or URL contains {@code search}.
     * A search longer than {@value ListPage#MAX_SEARCH} characters or a limit outside 1–{@value ListPage#MAX_LIMIT}
     * is refused with a message.
     */
    @Transactional(readOnly = true)
    public ListPage<Connector> page(String search, Connector after, int limit) {
        Member owner = manager();
        String text = ListPage.searchText(search);
        return ListPage.of(repository.page(owner.orgId(), text, after, ListPage.checkLimit(limit)), limit);
    }

    /** How many connectors the organization has. */
    @Transactional(readOnly = true)
    public int count() {
        return repository.count(manager().orgId());
    }

    /**
     * The icon a connector's server published, as last seen by a check, a member's connection or a conversation
     * (checked by {@link IconCheck}; kept in memory, so empty after a restart until the next one). Any member of the
     * connector's organization may see it; empty for another organization's connector.
     */
    @Transactional(readOnly = true)
    public java.util.Optional<org.connectorconsole.base.IconData> serverIcon(ConnectorId id) {
        Member member = currentMember.require();
        java.util.Optional<org.connectorconsole.base.IconData> icon = icons.serverIcon(id);
        if (icon.isEmpty() || repository.find(member.orgId(), id).isEmpty()) {
            return java.util.Optional.empty();
        }
        return icon;
    }

    @Transactional(readOnly = true)
    public Connector get(ConnectorId id) {
        Member owner = manager();
        return repository.find(owner.orgId(), id).map(ConnectorRepository.Stored::connector)
                .orElseThrow(() -> notFound());
    }

    @Transactional
    public Connector add(ConnectorForm form) {
        Member owner = manager();
        Valid valid = validate(form, true);
        repository.findByUrl(owner.orgId(), valid.url()).ifPresent(existing -> {
            throw duplicate(valid.url(), existing.name());
        });
        ConnectorId id = ConnectorId.random();
        byte[] sealed = valid.secret() == null ? null : sealer.seal(valid.secret(), secretContext(owner, id));
        try {
            repository.insert(owner.orgId(), id, valid.name(), valid.url(), valid.clientId(), sealed,
                    owner.userId(), now());
        } catch (DuplicateKeyException e) {
            throw duplicate(valid.url(), "another connector");
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("name", valid.name());
        details.put("url", valid.url());
        details.put("oauthClientId", valid.clientId() == null ? "" : valid.clientId());
        details.put("oauthClientSecret", sealed == null ? "not set" : "set");
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTOR_ADDED)
                .target("connector", id.toString(), valid.name()).details(details));
        return repository.find(owner.orgId(), id).orElseThrow().connector();
    }

    @Transactional
    public Connector update(ConnectorId id, int expectedVersion, ConnectorForm form) {
        Member owner = manager();
        ConnectorRepository.Stored stored = repository.find(owner.orgId(), id).orElseThrow(() -> notFound());
        Connector before = stored.connector();
        if (before.version() != expectedVersion) {
            throw changedElsewhere();
        }
        Valid valid = validate(form, false);
        boolean urlChanged = !valid.url().equals(before.url());
        if (urlChanged) {
            repository.findByUrl(owner.orgId(), valid.url()).ifPresent(other -> {
                throw duplicate(valid.url(), other.name());
            });
        }
        byte[] sealed = stored.sealedClientSecret();
        String secretChange = "unchanged";
        if (form.removeClientSecret()) {
            sealed = null;
            secretChange = before.clientSecretSet() ? "removed" : "unchanged";
        } else if (valid.secret() != null) {
            sealed = sealer.seal(valid.secret(), secretContext(owner, id));
            secretChange = before.clientSecretSet() ? "replaced" : "set";
        }
        if (sealed != null && valid.clientId() == null) {
            throw ValidationException.forField("oauthClientId", "A client secret needs its client ID: enter the "
                    + "client ID, or remove the secret.");
        }
        try {
            boolean credentialsChanged = !java.util.Objects.equals(before.oauthClientId(), valid.clientId())
                    || !"unchanged".equals(secretChange);
            if (!repository.update(owner.orgId(), id, expectedVersion, valid.name(), valid.url(), valid.clientId(),
                    sealed, urlChanged, credentialsChanged, now())) {
                throw changedElsewhere();
            }
        } catch (DuplicateKeyException e) {
            throw duplicate(valid.url(), "another connector");
        }
        Map<String, String> details = new LinkedHashMap<>();
        change(details, "name", before.name(), valid.name());
        change(details, "url", before.url(), valid.url());
        change(details, "oauthClientId", before.oauthClientId(), valid.clientId());
        details.put("oauthClientSecret", secretChange);
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTOR_UPDATED)
                .target("connector", id.toString(), valid.name()).details(details));
        if (urlChanged) {
            // tokens were issued for the old server: they must not be sent to the new one
            events.publishEvent(new ConnectorRetired(owner.orgId(), id, valid.name(),
                    ConnectorRetired.Reason.URL_CHANGED, owner.actor()));
        }
        return repository.find(owner.orgId(), id).orElseThrow().connector();
    }

    @Transactional
    public Connector setEnabled(ConnectorId id, int expectedVersion, boolean enabled) {
        Member owner = manager();
        Connector before = repository.find(owner.orgId(), id).orElseThrow(() -> notFound()).connector();
        if (!repository.setEnabled(owner.orgId(), id, expectedVersion, enabled, now())) {
            throw changedElsewhere();
        }
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(),
                        enabled ? AuditAction.CONNECTOR_ENABLED : AuditAction.CONNECTOR_DISABLED)
                .target("connector", id.toString(), before.name()));
        if (!enabled && before.enabled()) {
            events.publishEvent(new ConnectorRetired(owner.orgId(), id, before.name(),
                    ConnectorRetired.Reason.DISABLED, owner.actor()));
        }
        return repository.find(owner.orgId(), id).orElseThrow().connector();
    }

    /** Removes the connector; every member's connection to it ends with it. */
    @Transactional
    public void remove(ConnectorId id, int expectedVersion) {
        Member owner = manager();
        Connector before = repository.find(owner.orgId(), id).orElseThrow(() -> notFound()).connector();
        if (before.version() != expectedVersion) {
            throw changedElsewhere();
        }
        // first: connections end (their rows go with the connector), tokens are revoked after commit
        events.publishEvent(new ConnectorRetired(owner.orgId(), id, before.name(), ConnectorRetired.Reason.REMOVED,
                owner.actor()));
        if (!repository.delete(owner.orgId(), id, expectedVersion)) {
            throw changedElsewhere();
        }
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTOR_REMOVED)
                .target("connector", id.toString(), before.name())
                .details(Map.of("url", before.url())));
    }

    /**
     * Runs the connection doctor in the background. {@code onStep} receives each step as it completes,
     * {@code onDone} the report once it is stored; both run on a background thread.
     */
    public void startCheck(ConnectorId id, Consumer<DoctorStep> onStep, Consumer<Diagnosis> onDone) {
        Member owner = tx.execute(status -> manager());
        ConnectorRepository.Stored stored = tx.execute(status -> repository.find(owner.orgId(), id)
                .orElseThrow(() -> notFound()));
        Connector connector = stored.connector();
        EgressClient client = egress.forOrganization(owner.orgId());
        checks.execute(() -> {
            Diagnosis diagnosis;
            try {
                diagnosis = doctor.diagnose(client, connector.url(), connector.oauthClientId(),
                        stored.clientIssuer(), onStep, sources -> icons.learnServerIcon(owner.orgId(), id,
                                java.net.URI.create(connector.url()), sources));
            } catch (RuntimeException e) {
                log.error("Connection doctor failed unexpectedly for connector {}", id, e);
                DoctorStep step = new DoctorStep("internal", "Check", DoctorStep.Status.FAILED, e.getClass()
                        .getSimpleName(), "The check itself failed; try again, and tell your administrator if "
                                + "it keeps failing.");
                onStep.accept(step);
                diagnosis = new Diagnosis(connector.url(), clock.instant(), Diagnosis.Outcome.FAILED, null, null,
                        null, null, null, List.of(step), List.of(), false);
            }
            Diagnosis result = diagnosis;
            try {
                tx.executeWithoutResult(status -> {
                    if (repository.saveCheck(owner.orgId(), id, result)) {
                        Map<String, String> details = new LinkedHashMap<>();
                        details.put("outcome", result.outcome().name());
                        DoctorStep failure = result.firstFailure();
                        if (failure != null) {
                            details.put("failedStep", failure.key());
                        }
                        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTOR_CHECKED)
                                .target("connector", id.toString(), connector.name()).details(details));
                    }
                });
                if (!result.tools().isEmpty()) {
                    toolCatalog.reconcile(owner.orgId(), id, result.tools(), owner.actor());
                }
            } catch (RuntimeException e) {
                log.warn("Could not store the check of connector {} (removed meanwhile?)", id, e);
            }
            onDone.accept(result);
        });
    }

    private static String secretContext(Member owner, ConnectorId id) {
        return secretContext(owner.orgId(), id);
    }

    static String secretContext(OrganizationId orgId, ConnectorId id) {
        return "connector.oauth_client_secret|" + orgId + "|" + id;
    }

    /** After a key rotation: re-seals every client secret that an older key sealed. Returns how many. */
    int resealWithPrimaryKey() {
        int count = 0;
        for (ConnectorRepository.SealedSecret row : repository.allSealedSecrets()) {
            if (sealer.sealedWithPrimary(row.sealed())) {
                continue;
            }
            String context = secretContext(row.orgId(), row.id());
            byte[] resealed = sealer.seal(sealer.open(row.sealed(), context), context);
            if (Boolean.TRUE.equals(tx.execute(status -> repository.replaceSealedSecret(row, resealed)))) {
                count++;
            }
        }
        return count;
    }

    private Member manager() {
        return currentMember.requireOwner(Plan::allowsCustomConnectors,
                "Custom connectors need a paid plan (Pro, Max, Team or Enterprise).");
    }

    private record Valid(String name, String url, String clientId, String secret) {
    }

    private Valid validate(ConnectorForm form, boolean adding) {
        Map<String, String> errors = new LinkedHashMap<>();
        EgressPolicy.UrlCheck url = egress.policy().checkUrl(form.url());
        if (!url.ok()) {
            errors.put("url", url.problem());
        }
        String name = DisplayNames.clean(form.name());
        if (name.isEmpty() && url.ok()) {
            name = url.host();
        }
        DisplayNames.problem(name, MAX_NAME, "Name the connector, as members will see it.")
                .ifPresent(p -> errors.put("name", p));
        String clientId = blankToNull(form.oauthClientId());
        if (clientId != null && (clientId.length() > MAX_CLIENT_ID
                || clientId.chars().anyMatch(c -> c <= 0x20 || c == 0x7f))) {
            errors.put("oauthClientId", "A client ID is at most " + MAX_CLIENT_ID
                    + " visible characters, without spaces.");
        }
        String secret = form.removeClientSecret() ? null : blankToNull(form.clientSecret());
        if (secret != null && (secret.length() > MAX_CLIENT_SECRET || secret.chars().anyMatch(Character::isISOControl))) {
            errors.put("clientSecret", "A client secret is at most " + MAX_CLIENT_SECRET
                    + " characters, without control characters.");
        }
        if (secret != null && clientId == null) {
            errors.put("oauthClientId", "A client secret needs its client ID.");
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(adding ? "The connector was not added: some fields need attention."
                    : "Nothing was saved: some fields need attention.", errors);
        }
        return new Valid(name, url.uri().toString(), clientId, secret);
    }

    private static void change(Map<String, String> details, String field, String before, String after) {
        if (!Objects.equals(before, after)) {
            details.put("before." + field, before == null ? "" : before);
            details.put("after." + field, after == null ? "" : after);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static ValidationException duplicate(String url, String existing) {
        return ValidationException.forField("url", "This organization already has a connector for " + url
                + " (" + existing + ").");
    }

    private static ConflictException changedElsewhere() {
        return new ConflictException("Someone else changed this connector since you opened it. Nothing was saved: "
                + "reload to see their changes, then make yours again.");
    }

    private static NotFoundException notFound() {
        return new NotFoundException("This connector does not exist (it may have been removed).");
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }

    @Override
    public void destroy() {
        checks.shutdownNow();
    }
}
