package org.connectorconsole.organization;

/**
 * A new invitation and its token, shown once to the owner to pass on (the console sends no e-mail); only the
 * token's SHA-256 is stored.
 */
public record IssuedInvitation(Invitation invitation, String token) {

    /** The path of the invitation page, to put after the console's address. */
    public String path() {
        return "/invitation/" + token;
    }

    @Override
    public String toString() {
        return "IssuedInvitation[" + invitation + ", token=(hidden)]";
    }
}
