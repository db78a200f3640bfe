package org.connectorconsole.gateway;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names the gateway offers tools under: {@code <connectorKey>__<tool>}. A connector's key is fixed when the
 * connector is added and unique in its organization, made of lower-case letters, digits and single hyphens (so it
 * never contains "__"): the first "__" of a gateway name always ends the key, two connectors' tools never collide,
 * and the name of a tool stays the same when an owner renames the connector. A tool whose gateway name would not
 * fit MCP's tool-name rules ({@code ^[A-Za-z0-9_.-]{1,128}$}) is not offered.
 */
final class GatewayToolNames {

    static final String SEPARATOR = "__";
    static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    /** A gateway name split into the connector's key and the tool's name on its server. */
    record Parts(String connectorKey, String tool) {
    }

    private GatewayToolNames() {
    }

    /** The gateway name of {@code tool} of the connector with {@code key}, or empty when it would not be valid. */
    static Optional<String> of(String key, String tool) {
        String name = key + SEPARATOR + tool;
        return VALID.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    static Optional<Parts> parse(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            return Optional.empty();
        }
        int at = name.indexOf(SEPARATOR);
        if (at <= 0 || at + SEPARATOR.length() >= name.length()) {
            return Optional.empty();
        }
        return Optional.of(new Parts(name.substring(0, at), name.substring(at + SEPARATOR.length())));
    }
}
