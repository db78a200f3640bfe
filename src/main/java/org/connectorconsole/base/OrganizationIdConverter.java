package org.connectorconsole.base;

/** The uuid columns holding an organization's id, as {@link OrganizationId} (the forced type in pom.xml names it). */
public final class OrganizationIdConverter extends IdConverter<OrganizationId> {

    public OrganizationIdConverter() {
        super(OrganizationId.class, OrganizationId::new, OrganizationId::value);
    }
}
