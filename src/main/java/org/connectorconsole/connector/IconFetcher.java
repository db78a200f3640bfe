package org.connectorconsole.connector;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.base.IconData;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds the first acceptable icon among a server's or a tool's sources ({@link IconCheck}), fetching {@code https:}
 * ones through the organization's {@link EgressClient} with no credentials (no {@code Authorization}, no cookies:
 * the client keeps none) and reading at most {@value IconData#MAX_BYTES} bytes. Results (icons and refusals) are
 * kept in memory, bounded to {@value #MAX_ENTRIES} entries (at most about 32 MB), for {@link #KEEP}; the server
 * icons last seen per connector likewise, so lists show them without calling anyone.
 */
@Component
public class IconFetcher {

    private static final Logger log = LoggerFactory.getLogger(IconFetcher.class);
    static final int MAX_ENTRIES = 512;
    static final Duration KEEP = Duration.ofHours(1);
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Egress egress;
    private final Map<String, Entry> checked = bounded();
    private final Map<ConnectorId, Optional<IconData>> serverIcons = bounded();

    private record Entry(Optional<IconData> icon, String refusal, long at) {
    }

    IconFetcher(Egress egress) {
        this.egress = egress;
    }

    /** The first acceptable icon of {@code sources} (published by the MCP server at {@code serverUrl}). */
    public Optional<IconData> first(OrganizationId orgId, URI serverUrl, List<String> sources) {
        if (sources == null || sources.isEmpty()) {
            return Optional.empty();
        }
        return first(egress.forOrganization(orgId), orgId, serverUrl, sources);
    }

    /** As {@link #first(OrganizationId, URI, List)} through the given client. */
    Optional<IconData> first(EgressClient client, OrganizationId orgId, URI serverUrl, List<String> sources) {
        for (String src : sources) {
            Optional<IconData> icon = check(client, orgId, serverUrl, src).icon();
            if (icon.isPresent()) {
                return icon;
            }
        }
        return Optional.empty();
    }

    /** Remembers a connector's server icon as last seen (a check, a member's connection, a conversation). */
    public Optional<IconData> learnServerIcon(OrganizationId orgId, ConnectorId connectorId, URI serverUrl,
            List<String> sources) {
        Optional<IconData> icon = first(orgId, serverUrl, sources);
        synchronized (serverIcons) {
            serverIcons.put(connectorId, icon);
        }
        return icon;
    }

    /** The server icon last seen for a connector (callers have checked that the connector is the caller's). */
    Optional<IconData> serverIcon(ConnectorId connectorId) {
        synchronized (serverIcons) {
            Optional<IconData> icon = serverIcons.get(connectorId);
            return icon == null ? Optional.empty() : icon;
        }
    }

    /** Why the icon is refused, or null when it is shown (for tests and the doctor). */
    String refusal(EgressClient client, OrganizationId orgId, URI serverUrl, String src) {
        return check(client, orgId, serverUrl, src).refusal();
    }

    private Entry check(EgressClient client, OrganizationId orgId, URI serverUrl, String src) {
        String key = orgId + " " + IconCheck.origin(serverUrl) + " " + Tokens.sha256Hex(src);
        long now = System.nanoTime();
        synchronized (checked) {
            Entry e = checked.get(key);
            if (e != null && now - e.at() < KEEP.toNanos()) {
                return e;
            }
        }
        Entry e;
        try {
            IconData icon = src.regionMatches(true, 0, "data:", 0, 5) ? IconCheck.fromDataUrl(src)
                    : fetch(client, IconCheck.fetchable(serverUrl, src, client.settings().allowLoopbackHttp()));
            e = new Entry(Optional.of(icon), null, now);
        } catch (IconCheck.Refused refused) {
            log.debug("Icon of {} not shown: {}", serverUrl, refused.getMessage());
            e = new Entry(Optional.empty(), refused.getMessage(), now);
        } catch (RuntimeException unexpected) {
            // an icon is decoration: whatever goes wrong, the page shows the neutral one and goes on
            log.debug("Icon of {} could not be checked", serverUrl, unexpected);
            e = new Entry(Optional.empty(), "The icon could not be checked.", now);
        }
        synchronized (checked) {
            checked.put(key, e);
        }
        return e;
    }

    private static IconData fetch(EgressClient client, URI uri) throws IconCheck.Refused {
        // Only these headers: never the connection's bearer token, and the egress client keeps no cookies.
        Map<String, String> headers = Map.of("Accept", "image/png, image/jpeg, image/gif, image/webp");
        try (EgressClient.OpenResponse response = client.open("GET", uri, headers, null, TIMEOUT)) {
            if (response.status() != 200) {
                throw new IconCheck.Refused("The icon's address answered HTTP " + response.status() + ".");
            }
            InputStream in = response.body();
            byte[] bytes = in.readNBytes(IconData.MAX_BYTES + 1);
            if (bytes.length > IconData.MAX_BYTES) {
                throw new IconCheck.Refused("The icon is larger than " + IconData.MAX_BYTES / 1024 + " KB.");
            }
            return IconCheck.accept(bytes);
        } catch (IOException e) {
            throw new IconCheck.Refused("The icon could not be fetched: " + e.getMessage());
        }
    }

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }
}
