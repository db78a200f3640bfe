package org.connectorconsole.security;

/** A person's role in one organization. */
public enum Role {
    /** Manages the organization: connectors, members, audit log. */
    OWNER("Owner"),
    /** Uses the organization's connectors with their own sign-in. */
    MEMBER("Member");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The Spring Security authority views declare with {@code @RolesAllowed}. */
    public String authority() {
        return "ROLE_" + name();
    }
}
