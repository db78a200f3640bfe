package org.connectorconsole.gateway;

import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.security.Member;

/**
 * A gateway request the security filter let through: the endpoint it names, who calls (the credential's member,
 * checked to be the endpoint's, and still a member), the membership as the database says now, and the
 * organization's gateway settings (on, with its limits).
 */
record GatewayRequest(GatewayEndpoint endpoint, GatewayCaller caller, Member member, GatewaySettings settings) {

    static final String ATTRIBUTE = "connector-console.gateway-request";
    /** Where both transports put the request in the MCP SDK's transport context, for the handlers to find. */
    static final String CONTEXT_KEY = "gateway";
    private static final int MAX_CLIENT_NAME = 200;

    /**
     * The client as the audit log names it: as it introduced itself (name and version, which it chooses), and the
     * credential it holds (which the console knows), cut to {@value #MAX_CLIENT_NAME} characters.
     */
    String clientName(String introducedName, String version) {
        String introduced = introducedName == null ? "unknown client" : DisplayNames.clean(introducedName
                + (version == null ? "" : " " + version));
        String name = introduced + " (" + caller.clientName() + ")";
        return name.length() > MAX_CLIENT_NAME ? name.substring(0, MAX_CLIENT_NAME) : name;
    }
}
