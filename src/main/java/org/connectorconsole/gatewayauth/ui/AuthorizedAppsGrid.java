package org.connectorconsole.gatewayauth.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.dataview.GridListDataView;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.data.provider.ListDataProvider;
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
 * The same rows as cards ({@link #cards()}, placed by the page after the grid): a phone shows them instead of the
 * grid (styles.css, below 600 px), where five columns would leave each a few letters wide.
 */
final class AuthorizedAppsGrid extends Grid<AuthorizedApp> {

    private final Consumer<AuthorizedApp> revoke;
    private final Function<AuthorizedApp, String> revoked;
    private final boolean withMember;
    private final Function<AuthorizedApp, String> consequence;
    private final Div cards = new Div();
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
        this.withMember = withMember;
        this.consequence = consequence;
        setId(id);
        addClassName("console-app-grid");
        cards.setId(id + "-cards");
        cards.addClassName("console-app-cards");
        if (withMember) {
            addColumn(AuthorizedApp::memberEmail).setHeader("Member").setFlexGrow(2);
        }
        addColumn(AuthorizedApp::clientName).setHeader("App").setFlexGrow(2);
        addColumn(AuthorizedApp::what).setHeader("Can use").setFlexGrow(3);
        addColumn(a -> TimeTexts.ago(a.grantedAt())).setHeader("Granted");
        addColumn(a -> a.lastUsedAt() == null ? "never" : TimeTexts.ago(a.lastUsedAt())).setHeader("Last used");
        addComponentColumn(this::revokeButton).setKey("revoke");
        setAllRowsVisible(true);
    }

    /** The rows as cards, for a phone: the page adds them right after the grid. */
    Div cards() {
        return cards;
    }

    @Override
    public GridListDataView<AuthorizedApp> setItems(ListDataProvider<AuthorizedApp> items) {
        GridListDataView<AuthorizedApp> view = super.setItems(items);
        if (cards != null) { // null while Grid's constructor runs
            cards.removeAll();
            items.getItems().forEach(a -> cards.add(card(a)));
        }
        return view;
    }

    @Override
    public void setVisible(boolean visible) {
        super.setVisible(visible);
        if (cards != null) {
            cards.setVisible(visible);
        }
    }

    private Div card(AuthorizedApp a) {
        Span app = new Span(a.clientName());
        app.addClassName("console-app-card-name");
        Div card = new Div(app);
        card.addClassName("console-app-card");
        if (withMember) {
            Span member = new Span(a.memberEmail());
            member.addClassName("console-muted");
            card.add(member);
        }
        card.add(new Span("Can use " + a.what()));
        Span times = new Span("Granted " + TimeTexts.ago(a.grantedAt()) + " · last used "
                + (a.lastUsedAt() == null ? "never" : TimeTexts.ago(a.lastUsedAt())));
        times.addClassName("console-muted");
        card.add(times, revokeButton(a));
        return card;
    }

    private Button revokeButton(AuthorizedApp a) {
        Button button = new Button("Revoke", e -> Confirmations.confirm("Revoke " + a.clientName() + "?",
                consequence.apply(a), "Revoke", () -> revoke(a)));
        button.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
        return button;
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
