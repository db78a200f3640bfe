package org.connectorconsole.gateway;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.gateway.internal.GatewayRepository;
import org.connectorconsole.organization.MemberAccessEnded;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Personal access tokens for the gateway: a member creates one for a headless agent (named, expiring, shown once,
 * stored only as a SHA-256 hash) and may revoke it at any time; they end with the membership. One of the
 * {@link GatewayCredentials}: a token stands for its member in its organization, on that member's endpoints only
 * (the gateway checks the endpoint's member). While an owner has the gateway switched off they are refused.
 */
@Service
// tried first: it knows its own tokens by their prefix without asking the database, so an OAuth access token costs
// no query here, while a personal token tried after the authorization server's store would cost one there
@org.springframework.core.annotation.Order(0)
public class PersonalAccessTokens implements GatewayCredentials {

    public static final String PREFIX = "ccgw_";
    public static final int MAX_NAME = 100;
    private static final int MAX_TOUCHED = 10_000;
    /** The minute (epoch) in which this instance last wrote each token's last use. */
    private final java.util.Map<UUID, Long> touched = new java.util.concurrent.ConcurrentHashMap<>();
    public static final int MAX_DAYS = 365;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new token; {@code secret} is shown to the member once and never again. */
    public record Created(UUID id, String name, Instant expiresAt, String secret) {
        @Override
        public String toString() {
            return "Created[id=" + id + ", name=" + name + "]";
        }
    }

    /** A token as its member sees it in the list. */
    public record TokenInfo(UUID id, String name, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
            Instant revokedAt, String revokedWhy) {
        public boolean live(Instant now) {
            return revokedAt == null && expiresAt.isAfter(now);
        }
    }

    private final CurrentMember currentMember;
    private final GatewayRepository repository;
    private final GatewaySettingsService settings;
    private final AuditService audit;
    private final Clock clock;

    PersonalAccessTokens(CurrentMember currentMember, GatewayRepository repository, GatewaySettingsService settings,
            AuditService audit, Clock clock) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Created create(String name, int days) {
        Member member = currentMember.require();
        if (!member.plan().allowsCustomConnectors()) {
            throw new AccessDeniedException("Connectors need a paid plan (Pro, Max, Team or Enterprise).");
        }
        if (!settings.of(member.orgId()).enabled()) {
            // a state of the organization, not a permission: the member may create one once it is on
            throw new org.connectorconsole.base.ConflictException("An owner of " + member.orgName()
                    + " has not switched the gateway on.");
        }
        String clean = DisplayNames.clean(name);
        DisplayNames.problem(clean, MAX_NAME, "Name the token after the agent that will use it.").ifPresent(p -> {
            throw ValidationException.forField("name", p);
        });
        if (days < 1 || days > MAX_DAYS) {
            throw ValidationException.forField("days", "A token lasts from 1 to " + MAX_DAYS + " days.");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        UUID id = UUID.randomUUID();
        OffsetDateTime now = Times.utcNow(clock);
        OffsetDateTime expires = now.plus(Duration.ofDays(days));
        repository.insertToken(id, member.orgId(), member.userId(), clean, Tokens.sha256Hex(secret), now, expires);
        audit.record(AuditRecord.of(member.orgId(), member.actor(), AuditAction.GATEWAY_TOKEN_CREATED)
                .target("gateway_token", id.toString(), clean)
                .details(Map.of("expiresAt", expires.toInstant().toString())));
        return new Created(id, clean, expires.toInstant(), secret);
    }

    /** The signed-in member's own tokens, newest first. */
    @Transactional(readOnly = true)
    public List<TokenInfo> mine() {
        Member member = currentMember.require();
        return repository.tokens(member.orgId(), member.userId()).stream()
                .map(t -> new TokenInfo(t.id(), t.name(), t.createdAt(), t.expiresAt(), t.lastUsedAt(),
                        t.revokedAt(), t.revokedWhy()))
                .toList();
    }

    /** Revokes one of the member's own tokens, at once. */
    @Transactional
    public void revoke(UUID id) {
        Member member = currentMember.require();
        String name = repository.revoke(member.orgId(), member.userId(), id, "MEMBER", Times.utcNow(clock))
                .orElseThrow(() -> new NotFoundException("This token does not exist or has ended already."));
        audit.record(AuditRecord.of(member.orgId(), member.actor(), AuditAction.GATEWAY_TOKEN_REVOKED)
                .target("gateway_token", id.toString(), name).details(Map.of("why", "member")));
    }

    /**
     * A removed member's tokens end with the membership, and a member's whose access was revoked end too (inside
     * the deciding transaction).
     */
    @EventListener
    void onMemberAccessEnded(MemberAccessEnded event) {
        String why = event.membershipEnded() ? "MEMBERSHIP" : "ACCESS_REVOKED";
        int count = repository.revokeAll(event.orgId(), event.userId(), why, Times.utcNow(clock));
        if (count > 0) {
            audit.record(AuditRecord.of(event.orgId(), event.actor(), AuditAction.GATEWAY_TOKEN_REVOKED)
                    .target("member", event.userId().toString(), event.email())
                    .details(Map.of("why", event.membershipEnded() ? "membership" : event.reason(),
                            "count", String.valueOf(count))));
        }
    }

    /** A live token of ours: the member it stands for (the endpoint's member is checked by the gateway). */
    @Override
    @Transactional
    public Optional<GatewayCaller> authenticate(String bearerToken, String resource) {
        if (bearerToken == null || !bearerToken.startsWith(PREFIX) || bearerToken.length() > 200) {
            return Optional.empty();
        }
        OffsetDateTime now = Times.utcNow(clock);
        return repository.live(Tokens.sha256Hex(bearerToken), now).map(t -> {
            // last use is kept to the minute: this instance writes it at most once a minute per token
            long minute = now.toEpochSecond() / 60;
            Long noted = touched.put(t.id(), minute);
            if (noted == null || noted != minute) {
                if (touched.size() > MAX_TOUCHED) {
                    touched.clear();
                }
                repository.touch(t.id(), now);
            }
            return new GatewayCaller(t.orgId(), t.userId(), "Personal access token \u201c" + t.name() + "\u201d",
                    GatewayCaller.CredentialKind.PERSONAL_TOKEN, t.id().toString());
        });
    }
}
