package org.connectorconsole.organization;

/** How many people an organization has, and how many of them are owners. */
public record MemberCounts(int people, int owners) {
}
