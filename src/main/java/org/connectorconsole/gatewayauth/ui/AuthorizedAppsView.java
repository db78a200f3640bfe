package org.connectorconsole.gatewayauth.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.connectorconsole.gatewayauth.AuthorizedApp;
import org.connectorconsole.gatewayauth.AuthorizedAppsService;

/** Settings › Authorized apps: the apps that hold access to the member's gateway endpoints, and Revoke. */
@Route("settings/authorized-apps")
@PageTitle("Authorized apps · Connector Console")
@Menu(title = "Authorized apps", order = 6, icon = "vaadin:key-o")
@PermitAll
class AuthorizedAppsView extends VerticalLayout {

    AuthorizedAppsView(AuthorizedAppsService apps) {
        addClassName("console-page");
        AuthorizedAppsGrid grid = new AuthorizedAppsGrid("authorized-apps", false,
                a -> a.clientName() + " loses access to your connectors at once; it must ask you again to come back.",
                a -> apps.revokeMine(a.id()), a -> a.clientName() + " no longer has access.");
        Div empty = new Div(new H3("No app holds access"), new Paragraph("To use your connectors from an assistant "
                + "(Claude, ChatGPT, VS Code, an agent of your own), add your gateway address from Settings › "
                + "Connectors to it. When you allow it, it appears here, and you can revoke it at any time."));
        empty.setId("authorized-apps-empty");
        empty.addClassName("console-empty");
        add(new H2("Authorized apps"), new Paragraph("Apps you allowed to use your connectors through the "
                + "console's gateway. Revoke ends an app's access at once; it must ask you again to come back."),
                grid, grid.cards(), empty);
        grid.loadWith(() -> {
            List<AuthorizedApp> rows = apps.mine();
            grid.setItems(rows);
            grid.setVisible(!rows.isEmpty());
            empty.setVisible(rows.isEmpty());
        });
    }
}
