package org.connectorconsole.security;

/**
 * Role names for view annotations ({@code @RolesAllowed}). They only decide what a view offers; every service
 * method checks the membership in the database again.
 */
public final class Authorities {

    /** An owner of the active organization, whatever its plan. */
    public static final String OWNER = "OWNER";
    /** An owner of a Team or Enterprise organization: manages its people. */
    public static final String ORG_OWNER = "ORG_OWNER";

    private Authorities() {
    }
}
