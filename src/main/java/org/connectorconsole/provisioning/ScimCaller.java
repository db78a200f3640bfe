package org.connectorconsole.provisioning;

import java.util.UUID;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.OrganizationId;

/** Who calls the SCIM endpoint: a live credential of one organization. */
public record ScimCaller(OrganizationId orgId, UUID credentialId, String name) {

    /** The audit actor: the credential, by name and id (no person). */
    public Actor actor() {
        return new Actor(null, "scim:" + name + " (" + credentialId + ")");
    }
}
