package org.connectorconsole.organization;

import java.time.Instant;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;

public record Organization(OrganizationId id, String name, Plan plan, Instant createdAt, int version) {
}
