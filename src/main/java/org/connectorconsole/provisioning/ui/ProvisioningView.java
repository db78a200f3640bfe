package org.connectorconsole.provisioning.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.provisioning.ScimCredentials;
import org.connectorconsole.provisioning.SsoGroupClaims;
import org.connectorconsole.security.Authorities;

/**
 * Organization › Provisioning, for owners of a Team or Enterprise organization: the SCIM endpoint their identity
 * provider (Okta, Microsoft Entra ID, …) creates, deactivates and removes members and groups through, and its bearer
 * credentials (named, shown once, revocable).
 */
@Route("organization/provisioning")
@PageTitle("Provisioning · Connector Console")
@Menu(title = "Provisioning", order = 52, icon = "vaadin:sitemap")
@RolesAllowed(Authorities.ORG_OWNER)
class ProvisioningView extends VerticalLayout {

    private final ScimCredentials credentials;
    private final Grid<ScimCredentials.Info> grid = new Grid<>(ScimCredentials.Info.class, false);
    private final Div empty = new Div();

    private final SsoGroupClaims claims;

    ProvisioningView(ScimCredentials credentials, SsoGroupClaims claims) {
        this.credentials = credentials;
        this.claims = claims;
        PageParts.header(this, "60rem", "Organization", "Provisioning",
                "Your identity provider can add people to this organization, deactivate and "
                + "remove them, and keep its groups here, through SCIM 2.0. A deactivated person is signed out at "
                + "once and loses their gateway tokens, authorized apps and connections; their membership stays "
                + "until the provider deletes it. Provisioned people sign in with single sign-on, so require it "
                + "under Members first.");

        TextField endpoint = new TextField("SCIM endpoint (Tenant URL, SCIM connector base URL)");
        endpoint.setId("scim-endpoint");
        endpoint.setValue(credentials.endpoint());
        endpoint.setReadOnly(true);
        endpoint.setWidthFull();
        endpoint.setHelperText("Users: " + credentials.endpoint() + "/Users · Groups: " + credentials.endpoint()
                + "/Groups · Unique identifier field for users: userName (the e-mail address)");

        TextField name = new TextField("Name");
        name.setId("scim-credential-name");
        name.setPlaceholder("Okta, Entra ID, …");
        name.setWidth("20rem");
        Button create = new Button("Create credential", e -> create(name));
        create.setId("scim-credential-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout form = new HorizontalLayout(name, create);
        form.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);

        grid.setId("scim-credentials");
        // at least a long word wide: on a phone the grid scrolls sideways instead of breaking names mid-word
        grid.addColumn(ScimCredentials.Info::name).setHeader("Name").setWidth("11rem").setFlexGrow(2);
        grid.addColumn(i -> TimeTexts.ago(i.createdAt())).setHeader("Created").setFlexGrow(1);
        grid.addColumn(i -> i.lastUsedAt() == null ? "Never" : TimeTexts.ago(i.lastUsedAt()))
                .setHeader("Last used").setFlexGrow(1);
        grid.addColumn(i -> i.revokedAt() == null ? "Active" : "Revoked " + TimeTexts.ago(i.revokedAt()))
                .setHeader("Status").setFlexGrow(1);
        grid.addComponentColumn(this::revokeButton).setHeader("").setFlexGrow(0).setAutoWidth(true);
        grid.setAllRowsVisible(true);
        empty.setId("no-scim-credentials");
        empty.addClassName("console-muted");
        empty.setText("No credentials yet. Create one above and paste it into your identity provider as the "
                + "bearer token (Secret Token / API token).");

        TextField claim = new TextField("Claim with the groups");
        claim.setId("sso-groups-claim");
        claim.setPlaceholder("groups");
        claim.setWidth("20rem");
        claim.setClearButtonVisible(true);
        claim.setValue(claims.claimName().orElse(""));
        claim.setHelperText("Empty: off. At each single sign-on, a member's groups kept by single sign-on are set "
                + "to the names in this claim of the ID token or user info; missing groups are created.");
        Button saveClaim = new Button("Save", e -> {
            FieldErrors.clear(claim);
            try {
                claims.setClaimName(claim.getValue());
                Notices.success(claim.getValue().isBlank() ? "Groups are no longer read from single sign-on."
                        : "Saved: groups are read from the claim \u201c" + claim.getValue().strip()
                                + "\u201d at each sign-in.");
            } catch (ValidationException ex) {
                FieldErrors.show(ex, Map.of("claim", claim));
            }
        });
        saveClaim.setId("sso-groups-claim-save");
        HorizontalLayout claimForm = new HorizontalLayout(claim, saveClaim);
        claimForm.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);

        add(endpoint, new H3("Credentials"), form, grid, empty,
                new H3("Groups from single sign-on"), claimForm);
        refresh();
    }

    private void refresh() {
        List<ScimCredentials.Info> list = credentials.list();
        grid.setItems(list);
        grid.setVisible(!list.isEmpty());
        empty.setVisible(list.isEmpty());
    }

    private void create(TextField name) {
        FieldErrors.clear(name);
        try {
            ScimCredentials.Created created = credentials.create(name.getValue());
            name.clear();
            refresh();
            Dialog shown = new Dialog();
            shown.setHeaderTitle("Credential \u201c" + created.name() + "\u201d");
            TextField secret = new TextField("Bearer token");
            secret.setId("scim-credential-secret");
            secret.setValue(created.secret());
            secret.setReadOnly(true);
            secret.setWidth("36rem");
            Paragraph once = new Paragraph("Copy it now: it is shown only this once (the console keeps only a "
                    + "hash). Paste it into your identity provider's provisioning settings with the endpoint "
                    + created.endpoint() + ".");
            shown.add(new VerticalLayout(secret, once));
            Button close = new Button("I have copied it", e -> shown.close());
            close.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            shown.getFooter().add(close);
            shown.open();
        } catch (ValidationException e) {
            FieldErrors.show(e, Map.of("name", name));
        }
    }

    private Button revokeButton(ScimCredentials.Info info) {
        Button revoke = new Button("Revoke");
        revoke.setId("scim-revoke-" + info.id());
        revoke.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        revoke.setVisible(info.revokedAt() == null);
        revoke.addClickListener(e -> Confirmations.confirm("Revoke \u201c" + info.name() + "\u201d?",
                "The identity provider using it can no longer provision this organization. People and groups it "
                        + "provisioned stay.", "Revoke", () -> {
                    try {
                        credentials.revoke(info.id());
                        Notices.success("\u201c" + info.name() + "\u201d no longer works.");
                    } catch (NotFoundException ex) {
                        Notices.error(ex.getMessage());
                    }
                    refresh();
                }));
        return revoke;
    }
}
