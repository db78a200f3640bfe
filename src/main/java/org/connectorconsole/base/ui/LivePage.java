package org.connectorconsole.base.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.LiveTopic;

/**
 * Keeps a page live: subscribed while it is attached (unsubscribed on detach, so a closed tab or a page left
 * leaves nothing behind), it re-reads through {@code refresh} in {@code ui.access} after a change of one of its
 * topics, through server push. Changes arriving while a refresh waits for the session are folded into that one.
 *
 * <p>Views pass {@code liveUpdates::subscribe} (security.LiveUpdates, which scopes the subscription to the
 * caller's organization and, for a member, to changes for everyone or for them).
 */
public final class LivePage {

    private LivePage() {
    }

    public static void refreshOn(Component page, Function<Consumer<LiveChange>, LiveChanges.Subscription> subscribe,
            Set<LiveTopic> topics, Runnable refresh) {
        onChanges(page, subscribe, topics, seen -> refresh.run());
    }

    /**
     * As {@link #refreshOn}, handing {@code refresh} the topics seen since the last refresh ({@code RESYNC} among
     * them after the listener reconnected: then re-read everything).
     */
    public static void onChanges(Component page, Function<Consumer<LiveChange>, LiveChanges.Subscription> subscribe,
            Set<LiveTopic> topics, Consumer<Set<LiveTopic>> refresh) {
        Set<LiveTopic> wanted = EnumSet.copyOf(topics);
        wanted.add(LiveTopic.RESYNC);
        LiveChanges.Subscription[] current = new LiveChanges.Subscription[1];
        page.addAttachListener(attach -> {
            if (current[0] != null) {
                current[0].close();
            }
            UI ui = attach.getUI();
            Set<LiveTopic> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
            AtomicBoolean pending = new AtomicBoolean();
            current[0] = subscribe.apply(change -> {
                if (!wanted.contains(change.topic())) {
                    return;
                }
                seen.add(change.topic());
                if (!pending.compareAndSet(false, true)) {
                    return;
                }
                try {
                    ui.access(() -> {
                        pending.set(false);
                        Set<LiveTopic> these = EnumSet.noneOf(LiveTopic.class);
                        for (LiveTopic t : LiveTopic.values()) {
                            if (seen.remove(t)) {
                                these.add(t);
                            }
                        }
                        if (page.isAttached() && !these.isEmpty()) {
                            refresh.accept(these);
                        }
                    });
                } catch (UIDetachedException e) {
                    pending.set(false);
                }
            });
        });
        page.addDetachListener(detach -> {
            if (current[0] != null) {
                current[0].close();
                current[0] = null;
            }
        });
    }
}
