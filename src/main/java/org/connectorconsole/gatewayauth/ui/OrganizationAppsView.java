package org.connectorconsole.gatewayauth.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.connectorconsole.base.ui.PagedList;
import org.connectorconsole.gatewayauth.AuthorizedApp;
import org.connectorconsole.gatewayauth.AuthorizedAppsService;
import org.connectorconsole.security.Authorities;

/**
 * Owners: which apps hold access to each member's gateway endpoints, and Revoke; keyset-paged, {@value #PAGE} at a
 * time, by member (decision 0001), with a search and an empty state that says how an app gets here.
 */
@Route("organization/authorized-apps")
@PageTitle("Members' apps · Connector Console")
@Menu(title = "Members' apps", order = 55, icon = "vaadin:key")
@RolesAllowed(Authorities.ORG_OWNER)
class OrganizationAppsView extends VerticalLayout {

    static final int PAGE = 50;

    OrganizationAppsView(AuthorizedAppsService apps) {
        addClassName("console-page");
        AuthorizedAppsGrid grid = new AuthorizedAppsGrid("organization-apps", true,
                a -> a.clientName() + " loses access for " + a.memberEmail() + " at once; it must ask them again to "
                        + "come back.",
                a -> apps.revokeAsOwner(a.id()),
                a -> a.clientName() + " no longer has access for " + a.memberEmail() + ".");
        PagedList<AuthorizedApp> list = new PagedList<>(grid, "organization-app", "organization-apps",
                "Search by member or app", PAGE, apps::organizationPage, AuthorizedApp::id,
                text -> "No member's address or app's name contains \u201c" + text + "\u201d.");
        Div empty = new Div(new H3("No member has allowed an app yet"), new Paragraph("Members find their gateway "
                + "address in Settings › Connectors and add it to their assistant (Claude, ChatGPT, VS Code, an agent "
                + "of their own). Each app they allow appears here with what it can use and when it was last used, "
                + "and you can revoke it. To stop every app at once, switch the gateway off in Gateway."));
        empty.setId("organization-apps-empty");
        empty.addClassName("console-empty");
        add(new H2("Members' apps"), new Paragraph("Apps your members allowed to use their connectors through "
                + "the console's gateway. Revoke ends an app's access at once."), list.searchField(), grid, grid.cards(),
                list.noMatch(), list.moreButton(), empty);
        Runnable showEmpty = () -> {
            boolean none = !grid.isVisible() && list.searchField().isEmpty();
            empty.setVisible(none);
            list.searchField().setVisible(!none);
        };
        list.searchField().addValueChangeListener(e -> showEmpty.run());
        grid.loadWith(() -> {
            list.reload();
            showEmpty.run();
        });
    }
}
