package org.connectorconsole.base.ui;

import java.util.Optional;

/**
 * What waits for the signed-in person behind a navigation item (tools to review, members asked to reconnect who
 * have not): a feature contributes one as a bean, and {@link MainLayout} shows its count as a badge on the item with
 * that path, so the shell depends on no feature. Each is asked when the layout is built.
 */
public interface NavAttention {

    /** The menu item's path, as in its {@code @Route} (e.g. {@code connectors}). */
    String path();

    /** What waits, for the signed-in person; empty when nothing does or they may not act on it. */
    Optional<Waiting> waiting();

    /** How many, and a sentence for the badge's title and screen readers ("3 tools wait for your review"). */
    record Waiting(long count, String description) {
    }
}
