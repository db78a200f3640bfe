package org.connectorconsole.security;

import java.util.function.Consumer;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveChanges;
import org.springframework.stereotype.Service;

/**
 * Open pages subscribe here to hear that something they show changed, on any console instance. The scope comes from
 * the caller's membership, never from the page: an owner hears every change in their organization, a member the
 * organization's changes and their own. A change carries no data; the page re-reads through its services.
 */
@Service
public class LiveUpdates {

    private final CurrentMember current;
    private final LiveChanges changes;

    LiveUpdates(CurrentMember current, LiveChanges changes) {
        this.current = current;
        this.changes = changes;
    }

    /** Subscribes the signed-in person; close the subscription when the page goes (on detach). */
    public LiveChanges.Subscription subscribe(Consumer<LiveChange> onChange) {
        Member member = current.require();
        return changes.subscribe(member.orgId(), member.isOwner() ? null : member.userId(), onChange);
    }
}
