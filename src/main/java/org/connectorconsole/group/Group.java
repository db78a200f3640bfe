package org.connectorconsole.group;

import java.time.Instant;

/** A group as owners see it, with how many members it has. */
public record Group(GroupId id, String name, GroupSource source, String externalId, int memberCount,
        Instant createdAt, int version) {
}
