package org.connectorconsole.base;

/** What kind of thing changed, so an open page refreshes only for what it shows (see {@link LiveChanges}). */
public enum LiveTopic {
    /** A connector added, edited, switched on or off, checked or removed. */
    CONNECTORS,
    /** A tool discovered, held for review, approved, its policy or the tool rules changed. */
    TOOLS,
    /** A member's connection made, refreshed, failing, ended, or a reconnect asked for. */
    CONNECTIONS,
    /** A tool call started or finished (in the console or through the gateway); a conversation's switches. */
    TOOL_CALLS,
    /** A member added, removed or given another role. */
    MEMBERS,
    /**
     * Not a change: the listener reconnected to the database and may have missed changes meanwhile, so every open
     * page re-reads once. Delivered to every subscriber whatever topics it asked for.
     */
    RESYNC
}
