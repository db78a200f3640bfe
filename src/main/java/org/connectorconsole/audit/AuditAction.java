package org.connectorconsole.audit;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every action the console records: the one catalogue. {@link #wireName()} is the exact string stored in
 * {@code audit_event.action}, hashed into the chain and exported; never change one (stored events would no longer
 * match the filter, and exports would change). Each constant has a row in {@code docs/audit.md}
 * ({@code AuditActionCatalogueTest} fails when the two disagree).
 */
public enum AuditAction {

    ORGANIZATION_CREATED("organization.created", "First-time setup or demo seeding created the organization"),
    MEMBER_ADDED("member.added", "A person joined the organization"),
    SESSION_SIGNED_IN("session.signed_in", "A person signed in"),
    SESSION_SIGN_IN_FAILED("session.sign_in_failed", "A wrong password for an existing account"),
    SESSION_LOCKED_OUT("session.locked_out", "A failed sign-in locked the address"),
    ACCOUNT_RENAMED("account.renamed", "A person changed their name"),
    ACCOUNT_PASSWORD_CHANGED("account.password_changed", "A person changed their password"),
    CONNECTOR_ADDED("connector.added", "An owner added a connector"),
    CONNECTOR_UPDATED("connector.updated", "An owner edited a connector"),
    CONNECTOR_ENABLED("connector.enabled", "An owner switched a connector on"),
    CONNECTOR_DISABLED("connector.disabled", "An owner switched a connector off"),
    CONNECTOR_REMOVED("connector.removed", "An owner removed a connector"),
    CONNECTOR_CHECKED("connector.checked", "The connection doctor finished checking a connector"),
    EGRESS_PRIVATE_HOST_ALLOWED("egress.private_host_allowed", "An owner allowed a private host"),
    EGRESS_PRIVATE_HOST_REMOVED("egress.private_host_removed", "An owner removed an allowed private host"),
    CONNECTOR_CLIENT_REGISTERED("connector.client_registered",
            "The console registered itself at a connector's authorization server"),
    CONNECTION_CONNECTED("connection.connected", "A member connected a connector"),
    CONNECTION_REAUTHORIZED("connection.reauthorized", "A member reconnected a connector"),
    CONNECTION_FAILED("connection.failed", "An authorization callback could not complete"),
    CONNECTION_CALLBACK_REFUSED("connection.callback_refused",
            "A callback for another account, or naming another issuer, was refused"),
    CONNECTION_REFRESH_FAILED("connection.refresh_failed", "Renewing a connection's token failed"),
    CONNECTION_DISCONNECTED("connection.disconnected", "A member disconnected a connector"),
    CONNECTION_ENDED("connection.ended", "A connector's removal, disabling or URL change ended its connections"),
    CONNECTION_REVOCATION("connection.revocation", "The revocations after connection.ended finished"),
    CONNECTION_ENTERPRISE_CONNECTED("connection.enterprise_connected",
            "A member was connected through the organization's sign-in (enterprise-managed)"),
    CONNECTION_ENTERPRISE_REFUSED("connection.enterprise_refused",
            "The organization's identity provider or the server refused an enterprise-managed connection"),
    TOKEN_EXCHANGE_UPDATED("token_exchange.updated",
            "An owner changed the identity provider's token exchange for enterprise-managed connections"),
    CONNECTOR_ENTERPRISE_MANAGED("connector.enterprise_managed",
            "An owner switched a connector to or from the organization's sign-in"),
    CONVERSATION_CONNECTOR_ENABLED("conversation.connector_enabled",
            "A member switched a connector on in a conversation"),
    CONVERSATION_CONNECTOR_DISABLED("conversation.connector_disabled",
            "A member switched a connector off in a conversation"),
    TOOL_CALLED("tool.called", "A tool was called (also refused calls)"),
    TOOL_DISCOVERED("tool.discovered", "A listing found tools the console had not seen"),
    TOOL_CHANGE_HELD("tool.change_held", "A server offered a changed definition of a pinned tool"),
    TOOL_CHANGE_WITHDRAWN("tool.change_withdrawn", "The server went back to the approved tool definition"),
    TOOL_CHANGE_APPROVED("tool.change_approved", "An owner approved a new or changed tool"),
    TOOL_POLICY_CHANGED("tool.policy_changed", "An owner set a tool's policy"),
    TOOL_SETTINGS_UPDATED("tool.settings_updated", "An owner changed the tool rules"),
    GROUP_CREATED("group.created", "A group was created (by an owner, or provisioned)"),
    GROUP_RENAMED("group.renamed", "A group was renamed"),
    GROUP_DELETED("group.deleted", "A group was deleted"),
    GROUP_MEMBER_ADDED("group.member_added", "A member was added to a group"),
    GROUP_MEMBER_REMOVED("group.member_removed", "A member was removed from a group"),
    GROUP_GRANT_CHANGED("group.grant_changed", "An owner set or cleared a group's approval mode for a connector or tool"),
    CONNECTOR_AUDIENCE_CHANGED("connector.audience_changed",
            "An owner chose who may use a connector (everyone, or chosen groups)"),
    CONNECTOR_ACCESS_CHANGED("connector.access_changed",
            "An owner changed a connector's ceiling, everyone's mode or the read-only setting"),
    GATEWAY_SETTINGS_UPDATED("gateway.settings_updated",
            "An owner switched the gateway on or off or changed its rate limits"),
    GATEWAY_TOKEN_CREATED("gateway_token.created", "A member created a personal access token for the gateway"),
    GATEWAY_TOKEN_REVOKED("gateway_token.revoked",
            "A personal access token ended (revoked by its member, or the membership ended)"),
    GATEWAY_RATE_LIMITED("gateway.rate_limited", "A gateway call was refused by a rate limit"),
    INVITATION_CREATED("invitation.created", "An owner created an invitation link"),
    INVITATION_REVOKED("invitation.revoked", "An owner revoked an invitation"),
    INVITATION_ACCEPTED("invitation.accepted", "The invited person accepted an invitation"),
    MEMBER_ROLE_CHANGED("member.role_changed", "An owner changed a member's role"),
    MEMBER_REMOVED("member.removed", "An owner removed a person from the organization"),
    MEMBER_ACCESS_REVOKED("member.access_revoked",
            "An owner ended everything a member holds (sessions, gateway access, connections) and kept the membership"),
    MEMBER_SUSPENDED("member.suspended",
            "The identity provider deactivated a member through SCIM: suspended, and everything they held ended"),
    MEMBER_REACTIVATED("member.reactivated", "The identity provider reactivated a suspended member through SCIM"),
    SCIM_CREDENTIAL_CREATED("scim_credential.created",
            "An owner created a bearer credential for the organization's SCIM endpoint"),
    SCIM_CREDENTIAL_REVOKED("scim_credential.revoked", "An owner revoked a SCIM credential"),
    REGISTRY_SETTINGS_CHANGED("registry.settings_changed",
            "An owner changed who may read the organization's private registry, or replaced its token"),
    ORGANIZATION_SSO_REQUIRED_CHANGED("organization.sso_required_changed",
            "An owner required single sign-on or stopped requiring it"),
    ORGANIZATION_SSO_GROUPS_CLAIM_CHANGED("organization.sso_groups_claim_changed",
            "An owner named (or cleared) the single sign-on claim that sets members' groups"),
    SSO_IDENTITY_LINKED("sso.identity_linked", "A single sign-on identity was linked to an account"),
    SESSION_PASSWORD_REFUSED("session.password_refused",
            "The right password for an account whose organization requires single sign-on"),
    SESSION_ORGANIZATION_SWITCHED("session.organization_switched", "A person switched the active organization"),
    CONNECTION_RECONNECT_REQUESTED("connection.reconnect_requested",
            "An owner asked a member to (re)connect a connector"),
    API_TOKEN_CREATED("api_token.created", "An owner issued an API token"),
    API_TOKEN_REVOKED("api_token.revoked", "An owner revoked an API token"),
    AUDIT_EXPORTED("audit.exported", "An audit export started"),
    AUDIT_EXPORT_FINISHED("audit.export_finished", "An audit export ended"),
    AUDIT_VERIFIED("audit.verified", "An owner checked the audit chain"),
    GATEWAY_CLIENT_REGISTERED("gateway.client_registered",
            "A client registered with the console's authorization server was first allowed in this organization"),
    GATEWAY_CONSENT_GIVEN("gateway.consent_given", "A member allowed an app to use one of their gateway endpoints"),
    GATEWAY_CONSENT_DENIED("gateway.consent_denied", "A member refused an app access to a gateway endpoint"),
    GATEWAY_GRANT_ISSUED("gateway.grant_issued", "An app received an authorization code for a member's gateway endpoint"),
    GATEWAY_GRANT_REVOKED("gateway.grant_revoked", "An app's access to a gateway endpoint was revoked"),
    GATEWAY_RESOURCE_READ("gateway.resource_read", "A member's client read a connector's resource through the gateway"),
    GATEWAY_PROMPT_GOT("gateway.prompt_got", "A member's client got a connector's prompt through the gateway");

    private static final Map<String, AuditAction> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(AuditAction::wireName, Function.identity()));

    private final String wireName;
    private final String description;

    AuditAction(String wireName, String description) {
        this.wireName = wireName;
        this.description = description;
    }

    /** The stored, hashed and exported name, e.g. {@code session.signed_in}. */
    public String wireName() {
        return wireName;
    }

    /** One line: when the event is recorded. */
    public String description() {
        return description;
    }

    /** The action with this stored name, if the catalogue has it. */
    public static Optional<AuditAction> ofWireName(String wireName) {
        return Optional.ofNullable(wireName == null ? null : BY_WIRE_NAME.get(wireName));
    }

    /** Every stored name, in alphabetical order (the audit log's action filter). */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(AuditAction::wireName).sorted().toList();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
