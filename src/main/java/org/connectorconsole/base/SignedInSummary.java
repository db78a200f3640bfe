package org.connectorconsole.base;

import java.util.Optional;

/**
 * What the app shell shows of the signed-in person (name, organization, plan, role), provided by the security
 * feature so the shell does not depend on it.
 */
public interface SignedInSummary {

    record Summary(String displayName, String email, String organizationName, Plan plan, String roleLabel) {
    }

    Optional<Summary> current();
}
