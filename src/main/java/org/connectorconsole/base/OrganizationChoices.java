package org.connectorconsole.base;

import java.util.List;

/**
 * The organizations the signed-in person belongs to, and switching the active one; provided by the security
 * feature so the app shell does not depend on it.
 */
public interface OrganizationChoices {

    record Choice(OrganizationId id, String name, String roleLabel, boolean active) {
    }

    /** Every organization of the signed-in person (empty when signed out). */
    List<Choice> choices();

    /** Makes {@code orgId} the active organization of this session; refused unless the person belongs to it. */
    void switchTo(OrganizationId orgId);
}
