package org.connectorconsole.gateway;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.conversation.ConversationId;

/**
 * One gateway endpoint a request names: a member's ({@code /mcp/o/{organization}/u/{member}}) or a
 * conversation's ({@code /mcp/c/{conversation}}), with the organization and member it belongs to (a conversation's
 * owner). {@code conversation} is null for a member's endpoint.
 */
record GatewayEndpoint(String path, OrganizationId orgId, UserId userId, ConversationId conversation) {

    private static final String UUID_PATTERN = "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
            + "[0-9a-fA-F]{12})";
    private static final Pattern MEMBER = Pattern.compile("/mcp/o/" + UUID_PATTERN + "/u/" + UUID_PATTERN);
    private static final Pattern CONVERSATION = Pattern.compile("/mcp/c/" + UUID_PATTERN);

    /** The path's shape only: which member's endpoint, or which conversation's (its owner is looked up after). */
    sealed interface Named permits MemberNamed, ConversationNamed {
    }

    record MemberNamed(OrganizationId orgId, UserId userId) implements Named {
    }

    record ConversationNamed(ConversationId conversation) implements Named {
    }

    static Optional<Named> parse(String path) {
        Matcher m = MEMBER.matcher(path);
        if (m.matches()) {
            return Optional.of(new MemberNamed(new OrganizationId(UUID.fromString(m.group(1))),
                    new UserId(UUID.fromString(m.group(2)))));
        }
        m = CONVERSATION.matcher(path);
        if (m.matches()) {
            return Optional.of(new ConversationNamed(new ConversationId(UUID.fromString(m.group(1)))));
        }
        return Optional.empty();
    }

    /** The canonical path (lower-case ids), as {@link GatewayEndpoints} builds it. */
    static String canonical(Named named) {
        return switch (named) {
            case MemberNamed m -> GatewayEndpoints.memberPath(m.orgId(), m.userId());
            case ConversationNamed c -> GatewayEndpoints.conversationPath(c.conversation().value());
        };
    }
}
