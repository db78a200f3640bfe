package org.connectorconsole.gatewayauth.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import java.util.function.Consumer;
import java.util.function.Function;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.gatewayauth.AuthorizedApp;

/**
 * The grid of authorized apps that the member's and the owner's pages share: app, what it can use, when granted and
 * last used, and a Revoke that asks first, then reloads the rows the way the page fills them ({@link #loadWith}).
 */
final class AuthorizedAppsGrid extends Grid<AuthorizedApp> {

    private final Consumer<AuthorizedApp> revoke;
    private final Function<AuthorizedApp, String> revoked;
    private Runnable load = () -> { };

    /**
     * @param withMember whether a first column names the member who authorized the app
     * @param consequence what Revoke's confirmation says happens to the app
     * @param revoke ends the app's grant (may throw {@link NotFoundException}, shown as an error)
     * @param revoked the notice once it is done
     */
    AuthorizedAppsGrid(String id, boolean withMember, Function<AuthorizedApp, String> consequence,
            Consumer<AuthorizedApp> revoke, Function<AuthorizedApp, String> revoked) {
        super(AuthorizedApp.class, false);
        this.revoke = revoke;
        this.revoked = revoked;
        setId(id);
        if (withMember) {
            addColumn(AuthorizedApp::memberEmail).setHeader("Member").setFlexGrow(2);
        }
        addColumn(AuthorizedApp::clientName).setHeader("App").setFlexGrow(2);
        addColumn(AuthorizedApp::what).setHeader("Can use").setFlexGrow(3);
        addColumn(a -> TimeTexts.ago(a.grantedAt())).setHeader("Granted");
        addColumn(a -> a.lastUsedAt() == null ? "never" : TimeTexts.ago(a.lastUsedAt())).setHeader("Last used");
        addComponentColumn(a -> {
            Button button = new Button("Revoke", e -> Confirmations.confirm("Revoke " + a.clientName() + "?",
                    consequence.apply(a), "Revoke", () -> revoke(a)));
            button.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            return button;
        }).setKey("revoke");
        setAllRowsVisible(true);
    }

    /** How the page fills the grid (and its empty state); run now and again after each Revoke. */
    void loadWith(Runnable load) {
        this.load = load;
        load.run();
    }

    private void revoke(AuthorizedApp app) {
        try {
            revoke.accept(app);
            Notices.success(revoked.apply(app));
        } catch (NotFoundException e) {
            Notices.error(e.getMessage());
        }
        load.run();
    }
}
