package org.connectorconsole.gatewayauth.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.connectorconsole.gatewayauth.AuthorizedAppsService;
import org.connectorconsole.security.Authorities;

/** Owners: which apps hold access to each member's gateway endpoints, and Revoke. */
@Route("organization/authorized-apps")
@PageTitle("Members' apps · Connector Console")
@Menu(title = "Members' apps", order = 55, icon = "vaadin:key")
@RolesAllowed(Authorities.ORG_OWNER)
class OrganizationAppsView extends VerticalLayout {

    OrganizationAppsView(AuthorizedAppsService apps) {
        addClassName("console-page");
        AuthorizedAppsGrid grid = new AuthorizedAppsGrid("organization-apps", true, apps::organization,
                a -> a.clientName() + " loses access for " + a.memberEmail() + " at once; it must ask them again to "
                        + "come back.",
                a -> apps.revokeAsOwner(a.id()),
                a -> a.clientName() + " no longer has access for " + a.memberEmail() + ".");
        add(new H2("Members' apps"), new Paragraph("Apps your members allowed to use their connectors through "
                + "the console's gateway. Revoke ends an app's access at once."), grid);
    }
}
