package org.connectorconsole.gateway;

/**
 * An organization's gateway: whether members' own MCP clients may use it, and the calls per minute each member and
 * each connector may make through it (null: no limit). {@code version} guards concurrent edits (-1: never saved).
 */
public record GatewaySettings(boolean enabled, Integer memberCallsPerMinute, Integer connectorCallsPerMinute,
        int version) {

    public static final int MAX_PER_MINUTE = 100_000;
}
