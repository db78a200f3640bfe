package org.connectorconsole.gatewayauth.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.gatewayauth.AuthorizedApp;
import org.connectorconsole.gatewayauth.AuthorizedAppsService;
import org.connectorconsole.security.Authorities;

/** Owners: which apps hold access to each member's gateway endpoints, and Revoke. */
@Route("organization/authorized-apps")
@PageTitle("Members' apps · Connector Console")
@Menu(title = "Members' apps", order = 55, icon = "vaadin:key")
@RolesAllowed(Authorities.ORG_OWNER)
class OrganizationAppsView extends VerticalLayout {

    private final AuthorizedAppsService apps;
    private final Grid<AuthorizedApp> grid = new Grid<>(AuthorizedApp.class, false);

    OrganizationAppsView(AuthorizedAppsService apps) {
        this.apps = apps;
        addClassName("console-page");
        grid.setId("organization-apps");
        grid.addColumn(AuthorizedApp::memberEmail).setHeader("Member").setFlexGrow(2);
        grid.addColumn(AuthorizedApp::clientName).setHeader("App").setFlexGrow(2);
        grid.addColumn(AuthorizedApp::what).setHeader("Can use").setFlexGrow(3);
        grid.addColumn(a -> TimeTexts.ago(a.grantedAt())).setHeader("Granted");
        grid.addColumn(a -> a.lastUsedAt() == null ? "never" : TimeTexts.ago(a.lastUsedAt())).setHeader("Last used");
        grid.addComponentColumn(a -> {
            Button revoke = new Button("Revoke", e -> Confirmations.confirm("Revoke " + a.clientName() + "?",
                    a.clientName() + " loses access for " + a.memberEmail() + " at once; it must ask them again to "
                            + "come back.", "Revoke", () -> revoke(a)));
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            return revoke;
        }).setKey("revoke");
        grid.setAllRowsVisible(true);
        add(new H2("Members' apps"), new Paragraph("Apps your members allowed to use their connectors through "
                + "the console's gateway. Revoke ends an app's access at once."), grid);
        load();
    }

    private void load() {
        grid.setItems(apps.organization());
    }

    private void revoke(AuthorizedApp app) {
        try {
            apps.revokeAsOwner(app.id());
            Notices.success(app.clientName() + " no longer has access for " + app.memberEmail() + ".");
        } catch (NotFoundException e) {
            Notices.error(e.getMessage());
        }
        load();
    }
}
