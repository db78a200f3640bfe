package org.connectorconsole.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.connectorconsole.base.Tokens;

/**
 * Tool listings a server said stay valid for a while ({@code ttlMs} in 2026-07-28), kept that long (at most
 * {@link #MAX_TTL}) so that a conversation's tool list and the check right before a call need not list again
 * (decision 0028). Kept per MCP URL and credentials (a hash of the bearer token, or none): one member's listing is
 * never another's. At most {@value #MAX_LISTINGS} listings, least recently used forgotten first; a server's
 * announced tool list change forgets every listing of that server at once.
 */
final class ToolListCache {

    static final int MAX_LISTINGS = 1000;
    static final Duration MAX_TTL = Duration.ofMinutes(10);

    private record Kept(McpToolSession.ToolListing listing, long expiresAtNanos) {
    }

    private static final Map<String, Kept> KEPT = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            return size() > MAX_LISTINGS;
        }
    };

    private ToolListCache() {
    }

    static String key(URI url, String bearerToken) {
        return url + "\n" + (bearerToken == null ? "-" : Tokens.sha256Hex(bearerToken));
    }

    static McpToolSession.ToolListing fresh(String key) {
        synchronized (KEPT) {
            Kept kept = KEPT.get(key);
            if (kept == null) {
                return null;
            }
            if (System.nanoTime() - kept.expiresAtNanos() >= 0) {
                KEPT.remove(key);
                return null;
            }
            return kept.listing();
        }
    }

    static void keep(String key, McpToolSession.ToolListing listing) {
        if (listing.ttl() == null || listing.ttl().isZero() || listing.ttl().isNegative()) {
            return;
        }
        Duration ttl = listing.ttl().compareTo(MAX_TTL) > 0 ? MAX_TTL : listing.ttl();
        synchronized (KEPT) {
            KEPT.put(key, new Kept(listing, System.nanoTime() + ttl.toNanos()));
        }
    }

    /** Forgets every listing of the server at {@code url} (its tool list changed). */
    static void forget(URI url) {
        String prefix = url + "\n";
        synchronized (KEPT) {
            KEPT.keySet().removeIf(k -> k.startsWith(prefix));
        }
    }
}
