package org.connectorconsole.organization;

/** How many people an organisation has, and how many of them are owners. */
public record MemberCounts(int people, int owners) {
}
