package org.connectorconsole.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which way each server was last reached, so that a server speaking only 2025-11-25 does not cost a refused
 * {@code server/discover} on every session (see decision 0027). In memory, per instance, keyed by the MCP URL; at
 * most {@value #MAX_SERVERS} servers (least recently used forgotten first), each remembered for {@link #KEEP} so
 * that a server which learns 2026-07-28 is asked again within a day. A remembered revision is only where
 * negotiation starts: a server that no longer speaks it is renegotiated at once.
 */
final class KnownRevisions {

    static final int MAX_SERVERS = 10_000;
    static final Duration KEEP = Duration.ofHours(24);

    private record Known(ProtocolRevision revision, long expiresAtNanos) {
    }

    private static final Map<String, Known> KNOWN = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > MAX_SERVERS;
        }
    };

    private KnownRevisions() {
    }

    static ProtocolRevision get(URI url) {
        synchronized (KNOWN) {
            Known known = KNOWN.get(key(url));
            if (known == null) {
                return null;
            }
            if (System.nanoTime() - known.expiresAtNanos() >= 0) {
                KNOWN.remove(key(url));
                return null;
            }
            return known.revision();
        }
    }

    static void remember(URI url, ProtocolRevision revision) {
        synchronized (KNOWN) {
            KNOWN.put(key(url), new Known(revision, System.nanoTime() + KEEP.toNanos()));
        }
    }

    static void forget(URI url) {
        synchronized (KNOWN) {
            KNOWN.remove(key(url));
        }
    }

    private static String key(URI url) {
        return url.toString();
    }
}
