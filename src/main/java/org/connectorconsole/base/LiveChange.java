package org.connectorconsole.base;

import java.util.Optional;
import java.util.UUID;

/**
 * "Something of this kind changed in this organization" (for one member, or for everyone in it when
 * {@code member} is null). It carries ids and a topic only, never data and never a secret: a page that receives
 * one re-reads through its services, which check role and organization again.
 */
public record LiveChange(OrganizationId orgId, UserId member, LiveTopic topic) {

    private static final String VERSION = "1";

    public static LiveChange forOrganization(OrganizationId orgId, LiveTopic topic) {
        return new LiveChange(orgId, null, topic);
    }

    public static LiveChange forMember(OrganizationId orgId, UserId member, LiveTopic topic) {
        return new LiveChange(orgId, member, topic);
    }

    /** The NOTIFY payload: {@code 1;<org uuid>;<topic>;<member uuid or ->}. */
    String payload() {
        return VERSION + ";" + orgId.value() + ";" + topic.name() + ";" + (member == null ? "-" : member.value());
    }

    /** A payload read back; empty when it is not one of ours (anyone with database access may NOTIFY). */
    static Optional<LiveChange> parse(String payload) {
        if (payload == null) {
            return Optional.empty();
        }
        String[] parts = payload.split(";", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            return Optional.empty();
        }
        try {
            LiveTopic topic = LiveTopic.valueOf(parts[2]);
            if (topic == LiveTopic.RESYNC) {
                return Optional.empty();
            }
            UserId member = "-".equals(parts[3]) ? null : new UserId(UUID.fromString(parts[3]));
            return Optional.of(new LiveChange(new OrganizationId(UUID.fromString(parts[1])), member, topic));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
