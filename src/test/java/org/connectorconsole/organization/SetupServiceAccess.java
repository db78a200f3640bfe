package org.connectorconsole.organization;

/** Test access to a fresh one-time setup code (package-private in the service) for SetupViewTest in ui. */
public final class SetupServiceAccess {

    private SetupServiceAccess() {
    }

    public static String issueCode(SetupService setup) {
        return setup.issueCode();
    }
}
