package org.connectorconsole.gatewayauth;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.UserId;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository;
import org.springframework.stereotype.Component;

/**
 * Which gateway endpoint a resource indicator (RFC 8707) or a metadata path names, and whose it is. Only the
 * canonical address of an endpoint that exists counts: the console's public address followed by
 * {@code /mcp/o/{organization}/u/{member}} (a member of that organization) or {@code /mcp/c/{conversation}} (a
 * conversation whose owner is still a member).
 */
@Component
public class GatewayTargets {

    private static final String UUID_RE = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
    private static final Pattern MEMBER = Pattern.compile("^/mcp/o/" + UUID_RE + "/u/" + UUID_RE + "$");
    private static final Pattern CONVERSATION = Pattern.compile("^/mcp/c/" + UUID_RE + "$");

    /** An endpoint that exists, with its canonical address. {@code conversation} is null for a member's. */
    public record Target(String resource, OrganizationId orgId, String orgName, boolean ssoRequired, UserId userId,
            String email, UUID conversation, String conversationTitle) {

        public boolean isConversation() {
            return conversation != null;
        }

        /** What a client granted this endpoint can use, as the consent page and "Authorized apps" say it. */
        public String scopeText() {
            return isConversation()
                    ? "the connectors switched on in your conversation “" + conversationTitle + "” in " + orgName
                    : "all your connectors in " + orgName;
        }
    }

    private final PublicAddress publicAddress;
    private final GatewayAuthRepository repository;

    GatewayTargets(PublicAddress publicAddress, GatewayAuthRepository repository) {
        this.publicAddress = publicAddress;
        this.repository = repository;
    }

    /** The endpoint a resource indicator names; empty for anything but an existing endpoint's canonical address. */
    public Optional<Target> resolve(String resource) {
        if (resource == null) {
            return Optional.empty();
        }
        String base = publicAddress.base();
        if (!resource.startsWith(base + GatewayEndpoints.PREFIX + "/")) {
            return Optional.empty();
        }
        return byPath(resource.substring(base.length()));
    }

    /** The endpoint at a path ({@code /mcp/...}); empty when there is none. */
    public Optional<Target> byPath(String path) {
        if (path == null || path.length() > 200) {
            return Optional.empty();
        }
        String base = publicAddress.base();
        Matcher m = MEMBER.matcher(path);
        if (m.matches()) {
            OrganizationId org = new OrganizationId(UUID.fromString(m.group(1)));
            UserId user = new UserId(UUID.fromString(m.group(2)));
            if (!path.equals(GatewayEndpoints.memberPath(org, user))) {
                return Optional.empty();
            }
            return repository.memberEndpoint(org, user).map(o -> target(base, path, o));
        }
        m = CONVERSATION.matcher(path);
        if (m.matches()) {
            UUID conversation = UUID.fromString(m.group(1));
            if (!path.equals(GatewayEndpoints.conversationPath(conversation))) {
                return Optional.empty();
            }
            return repository.conversationEndpoint(conversation).map(o -> target(base, path, o));
        }
        return Optional.empty();
    }

    private static Target target(String base, String path, GatewayAuthRepository.EndpointOwner o) {
        return new Target(GatewayEndpoints.resource(base, path), o.orgId(), o.orgName(), o.ssoRequired(),
                o.userId(), o.email(), o.conversation(), o.conversationTitle());
    }
}
