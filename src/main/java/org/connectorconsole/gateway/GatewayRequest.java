package org.connectorconsole.gateway;

import org.connectorconsole.security.Member;

/**
 * A gateway request the security filter let through: the endpoint it names, who calls (the credential's member,
 * checked to be the endpoint's, and still a member), the membership as the database says now, and the
 * organization's gateway settings (on, with its limits).
 */
record GatewayRequest(GatewayEndpoint endpoint, GatewayCaller caller, Member member, GatewaySettings settings) {

    static final String ATTRIBUTE = "connector-console.gateway-request";
}
