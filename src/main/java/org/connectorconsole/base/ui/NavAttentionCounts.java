package org.connectorconsole.base.ui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.OrganizationId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The organization-wide counts behind the owners' navigation badges ({@link NavAttention}), kept per organization so
 * that moving between pages costs no count query. A count is read again after any change of one of the topics it
 * names in its organization: at once on this instance (right after the commit, {@link
 * LiveChanges#subscribeCommittedHere}), when the database delivers it from another instance ({@link
 * LiveChanges#subscribeInstance}), and for every organization when the listener reconnected ({@code RESYNC}). A
 * change no live topic tells of (a group's members, say) shows after at most {@code console.nav-attention.max-age}
 * (30 s by default). A count read while a change of its organization arrived is not kept. Who may see a count is
 * still decided on every navigation by the attention itself (role and plan, from the membership read then); only
 * the organization's number is kept here. See docs/decisions/0071-navigation-counts-kept-per-organization.md.
 */
@Component
public class NavAttentionCounts {

    private record Key(String what, OrganizationId orgId) {
    }

    private record Kept(long count, Instant readAt, Set<LiveTopic> changedBy) {
    }

    /** Beyond this many kept counts, those past their age are dropped when another is kept. */
    private static final int TIDY_ABOVE = 10_000;

    private final Clock clock;
    private final Duration maxAge;
    private final Map<Key, Kept> kept = new ConcurrentHashMap<>();
    /** Changes heard per organization (any topic): a read that saw this move is not kept. */
    private final Map<OrganizationId, AtomicLong> heard = new ConcurrentHashMap<>();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();

    NavAttentionCounts(LiveChanges live, Clock clock,
            @Value("${console.nav-attention.max-age:30s}") Duration maxAge) {
        this.clock = clock;
        this.maxAge = maxAge;
        live.subscribeCommittedHere(this::changed);
        live.subscribeInstance(this::changed);
    }

    /**
     * The organization's count of {@code what} (a name unique to the attention), kept or read now through {@code read}
     * (which checks its caller itself); {@code changedBy} are the topics whose changes can change it.
     */
    public long count(String what, OrganizationId orgId, Set<LiveTopic> changedBy, LongSupplier read) {
        Key key = new Key(what, orgId);
        Instant now = clock.instant();
        Kept k = kept.get(key);
        if (k != null && now.isBefore(k.readAt().plus(maxAge))) {
            return k.count();
        }
        long heardBefore = heardOf(orgId).get();
        long resyncsBefore = resyncs.get();
        long n = read.getAsLong();
        reads.incrementAndGet();
        if (heardOf(orgId).get() == heardBefore && resyncs.get() == resyncsBefore) {
            if (kept.size() > TIDY_ABOVE) {
                kept.values().removeIf(old -> !now.isBefore(old.readAt().plus(maxAge)));
            }
            Kept mine = new Kept(n, now, Set.copyOf(changedBy));
            kept.put(key, mine);
            if (heardOf(orgId).get() != heardBefore || resyncs.get() != resyncsBefore) {
                kept.remove(key, mine); // a change came between the check and the put
            }
        }
        return n;
    }

    /** How many counts were read from the database so far (tests: a navigation that found them kept reads none). */
    public long reads() {
        return reads.get();
    }

    /** How many changes of this organization were heard so far (tests wait for one from another instance). */
    public long changesHeard(OrganizationId orgId) {
        return heardOf(orgId).get();
    }

    private AtomicLong heardOf(OrganizationId orgId) {
        return heard.computeIfAbsent(orgId, id -> new AtomicLong());
    }

    private void changed(LiveChange change) {
        if (change.topic() == LiveTopic.RESYNC || change.orgId() == null) {
            resyncs.incrementAndGet();
            kept.clear();
            return;
        }
        if (change.topic() == LiveTopic.TOOL_CALLS) {
            return; // the most frequent change, and no count here depends on it
        }
        // told first, then forgotten: a read racing with this change sees the count move and keeps nothing
        heardOf(change.orgId()).incrementAndGet();
        kept.keySet().removeIf(key -> {
            if (!key.orgId().equals(change.orgId())) {
                return false;
            }
            Kept k = kept.get(key);
            return k == null || k.changedBy().contains(change.topic());
        });
    }
}
