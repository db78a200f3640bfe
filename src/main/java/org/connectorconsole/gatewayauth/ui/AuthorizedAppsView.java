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
import jakarta.annotation.security.PermitAll;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.gatewayauth.AuthorizedApp;
import org.connectorconsole.gatewayauth.AuthorizedAppsService;

/** Settings › Authorized apps: the apps that hold access to the member's gateway endpoints, and Revoke. */
@Route("settings/authorized-apps")
@PageTitle("Authorized apps · Connector Console")
@Menu(title = "Authorized apps", order = 6, icon = "vaadin:key-o")
@PermitAll
class AuthorizedAppsView extends VerticalLayout {

    private final AuthorizedAppsService apps;
    private final Grid<AuthorizedApp> grid = new Grid<>(AuthorizedApp.class, false);

    AuthorizedAppsView(AuthorizedAppsService apps) {
        this.apps = apps;
        addClassName("console-page");
        grid.setId("authorized-apps");
        grid.addColumn(AuthorizedApp::clientName).setHeader("App").setFlexGrow(2);
        grid.addColumn(AuthorizedApp::what).setHeader("Can use").setFlexGrow(3);
        grid.addColumn(a -> TimeTexts.ago(a.grantedAt())).setHeader("Granted");
        grid.addColumn(a -> a.lastUsedAt() == null ? "never" : TimeTexts.ago(a.lastUsedAt())).setHeader("Last used");
        grid.addComponentColumn(a -> {
            Button revoke = new Button("Revoke", e -> Confirmations.confirm("Revoke " + a.clientName() + "?",
                    a.clientName() + " loses access to your connectors at once; it must ask you again to come back.",
                    "Revoke", () -> revoke(a)));
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            return revoke;
        }).setKey("revoke");
        grid.setAllRowsVisible(true);
        add(new H2("Authorized apps"), new Paragraph("Apps you allowed to use your connectors through the "
                + "console's gateway. Revoke ends an app's access at once; it must ask you again to come back."),
                grid);
        load();
    }

    private void load() {
        grid.setItems(apps.mine());
    }

    private void revoke(AuthorizedApp app) {
        try {
            apps.revokeMine(app.id());
            Notices.success(app.clientName() + " no longer has access.");
        } catch (NotFoundException e) {
            Notices.error(e.getMessage());
        }
        load();
    }
}
