package org.connectorconsole.gateway;

import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;

/**
 * The gateway's endpoint addresses. A member's endpoint offers every connector that member may use in one
 * organization; a conversation's endpoint only the connectors switched on in that conversation.
 */
public final class GatewayEndpoints {

    /** Every gateway endpoint lies under this path. */
    public static final String PREFIX = "/mcp";

    private GatewayEndpoints() {
    }

    /** {@code /mcp/o/{organization}/u/{member}} */
    public static String memberPath(OrganizationId organization, UserId member) {
        return PREFIX + "/o/" + organization.value() + "/u/" + member.value();
    }

    /** {@code /mcp/c/{conversation}} (the conversation id is a UUID; its owner and organization come from it) */
    public static String conversationPath(java.util.UUID conversation) {
        return PREFIX + "/c/" + conversation;
    }

    /** The canonical resource identifier of an endpoint: the public base address (no trailing slash) and path. */
    public static String resource(String publicBase, String path) {
        return publicBase + path;
    }
}
