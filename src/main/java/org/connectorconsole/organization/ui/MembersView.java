package org.connectorconsole.organization.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.base.ui.PagedList;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.organization.Invitation;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.organization.IssuedInvitation;
import org.connectorconsole.organization.MemberAccess;
import org.connectorconsole.organization.MemberCounts;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.Authorities;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Role;
import org.connectorconsole.security.SignInOptions;

/**
 * Organization settings › Members, for owners of a Team or Enterprise organization: invite people (a link to pass
 * on — the console sends no e-mail), open invitations, roles, removal, and whether single sign-on is required.
 */
@Route("organization/members")
@PageTitle("Members · Connector Console")
@Menu(title = "Members", order = 50, icon = "vaadin:users")
@RolesAllowed(Authorities.ORG_OWNER)
class MembersView extends VerticalLayout {

    /** People shown at first and added by each "Show more". */
    static final int PAGE = 50;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
            .withZone(ZoneId.systemDefault());

    private final OrganizationService organizations;
    private final InvitationService invitations;
    private final SignInOptions signInOptions;
    private final CurrentMember currentMember;
    private final Grid<MemberSummary> grid = new Grid<>(MemberSummary.class, false);
    private final Grid<Invitation> pendingGrid = new Grid<>(Invitation.class, false);
    private final Paragraph summary = new Paragraph();
    private final Div noPending = new Div();
    private final PagedList<MemberSummary> list;

    private final PublicAddress publicAddress;
    private final MemberAccess memberAccess;
    private java.util.Set<org.connectorconsole.base.UserId> suspended = java.util.Set.of();

    MembersView(OrganizationService organizations, InvitationService invitations,
            SignInOptions signInOptions, CurrentMember currentMember, PublicAddress publicAddress,
            MemberAccess memberAccess) {
        this.publicAddress = publicAddress;
        this.memberAccess = memberAccess;
        this.organizations = organizations;
        this.invitations = invitations;
        this.signInOptions = signInOptions;
        this.currentMember = currentMember;
        PageParts.page(this, "70rem");

        grid.setId("members");
        grid.addColumn(m -> suspended.contains(m.userId()) ? m.displayName() + " (deactivated by the identity "
                + "provider)" : m.displayName()).setHeader("Name").setWidth("10rem").setFlexGrow(2);
        grid.addColumn(MemberSummary::email).setHeader("E-mail address").setWidth("13rem").setFlexGrow(3);
        grid.addComponentColumn(this::roleSelect).setKey("role").setHeader("Role").setFlexGrow(1)
                .setWidth("10rem");
        grid.addColumn(m -> DATE.format(m.joinedAt())).setHeader("Joined").setFlexGrow(1);
        grid.addComponentColumn(this::memberActions).setKey("remove").setHeader("").setFlexGrow(0).setAutoWidth(true);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);

        list = new PagedList<>(grid, "member", "members", "Search by name or e-mail address", PAGE,
                organizations::memberPage, MemberSummary::userId, text -> "Nobody's name or e-mail address contains "
                        + "\u201c" + text + "\u201d. Check the spelling, or invite them below.");

        pendingGrid.setId("pending-invitations");
        pendingGrid.addColumn(Invitation::email).setHeader("E-mail address").setWidth("13rem").setFlexGrow(3);
        pendingGrid.addColumn(i -> i.role().label()).setHeader("Role").setFlexGrow(1);
        pendingGrid.addColumn(i -> i.invitedBy() == null ? "" : i.invitedBy()).setHeader("Invited by").setWidth("11rem")
                .setFlexGrow(2);
        pendingGrid.addColumn(i -> DATE.format(i.expiresAt())).setHeader("Expires").setFlexGrow(1);
        pendingGrid.addComponentColumn(this::revokeButton).setKey("revoke").setHeader("").setFlexGrow(0).setAutoWidth(true);
        pendingGrid.setAllRowsVisible(true);
        noPending.setId("no-pending-invitations");
        noPending.addClassName("console-muted");
        noPending.setText("No open invitations. Invite someone above; their link appears once for you to copy.");

        add(new H2("Members"), summary, list.searchField(), grid, list.noMatch(),
                list.moreButton(), inviteForm(), new H3("Open invitations"), pendingGrid, noPending,
                ssoSection());
        refresh();
    }

    /** After a change: the counts and open invitations again, and as many people as were shown, from the top. */
    private void refresh() {
        suspended = memberAccess.suspendedMembers();
        MemberCounts counts = organizations.memberCounts();
        summary.setText(counts.people() + (counts.people() == 1 ? " person" : " people") + ", " + counts.owners()
                + (counts.owners() == 1 ? " owner" : " owners") + ". Each member connects to the organization's "
                + "connectors with their own sign-in.");
        list.reload();
        List<Invitation> pending = invitations.pending();
        pendingGrid.setItems(pending);
        pendingGrid.setVisible(!pending.isEmpty());
        noPending.setVisible(pending.isEmpty());
    }

    private Select<Role> roleSelect(MemberSummary m) {
        Select<Role> select = new Select<>();
        select.setItems(Role.values());
        select.setItemLabelGenerator(Role::label);
        select.setValue(m.role());
        select.setId("role-" + m.userId());
        select.setAriaLabel("Role of " + m.displayName());
        select.setWidthFull();
        select.addValueChangeListener(e -> {
            if (!e.isFromClient() || e.getValue() == null) {
                return;
            }
            try {
                organizations.changeRole(m.userId(), e.getValue(), m.version());
                Notices.success(m.displayName() + " is now " + (e.getValue() == Role.OWNER ? "an owner" : "a member")
                        + ".");
            } catch (ValidationException | ConflictException ex) {
                Notices.error(ex.getMessage());
            }
            refresh();
        });
        return select;
    }

    private HorizontalLayout memberActions(MemberSummary m) {
        HorizontalLayout actions = new HorizontalLayout(revokeEverythingButton(m), removeButton(m));
        actions.setSpacing(false);
        return actions;
    }

    private Button revokeEverythingButton(MemberSummary m) {
        Button revoke = new Button("Revoke everything");
        revoke.setId("revoke-everything-" + m.userId());
        revoke.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        revoke.setVisible(!m.userId().equals(currentMember.require().userId()));
        revoke.addClickListener(e -> Confirmations.confirm("Revoke everything of " + m.displayName() + "?",
                m.email() + " is signed out everywhere, their gateway tokens and authorized apps stop working, and "
                        + "their connections end (their tokens are revoked at each server). They stay a member and "
                        + "can sign in and connect again.", "Revoke everything",
                () -> act(() -> memberAccess.revokeEverything(m.userId()),
                        "Everything of " + m.displayName() + " was revoked; they stay a member.")));
        return revoke;
    }

    private Button removeButton(MemberSummary m) {
        Button remove = new Button("Remove");
        remove.setId("remove-" + m.userId());
        remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        remove.addClickListener(e -> Confirmations.confirm("Remove " + m.displayName() + "?",
                m.email() + " loses access to this organization at once. Their connections to its connectors end "
                        + "and their tokens are revoked at each server.", "Remove",
                () -> act(() -> organizations.removeMember(m.userId()),
                        m.displayName() + " was removed; their connections ended.")));
        return remove;
    }

    private Button revokeButton(Invitation i) {
        Button revoke = new Button("Revoke");
        revoke.setId("revoke-" + i.id());
        revoke.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        revoke.addClickListener(e -> Confirmations.confirm("Revoke the invitation for " + i.email() + "?",
                "Its link stops working at once; you can invite " + i.email() + " again later.", "Revoke",
                () -> act(() -> invitations.revoke(i.id()), "The invitation for " + i.email() + " no longer works.")));
        return revoke;
    }

    /** Runs an owner's action from the lists: says it was done, or why not, and shows the lists again. */
    private void act(Runnable action, String done) {
        try {
            action.run();
            Notices.success(done);
        } catch (ValidationException ex) {
            Notices.error(ex.getMessage());
        }
        refresh();
    }

    private Div inviteForm() {
        EmailField email = new EmailField("E-mail address");
        email.setId("invite-email");
        email.setPlaceholder("name@example.com");
        email.setWidth("20rem");
        Select<Role> role = new Select<>();
        role.setLabel("Role");
        role.setId("invite-role");
        role.setItems(Role.values());
        role.setItemLabelGenerator(Role::label);
        role.setValue(Role.MEMBER);
        Button invite = new Button("Create invitation link");
        invite.setId("invite");
        invite.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        invite.addClickListener(e -> {
            FieldErrors.clear(email, role);
            try {
                IssuedInvitation issued = invitations.invite(email.getValue(), role.getValue());
                email.clear();
                showLink(issued);
                refresh();
            } catch (ValidationException ex) {
                FieldErrors.show(ex, java.util.Map.of("email", email, "role", role));
            }
        });
        HorizontalLayout row = new HorizontalLayout(email, role, invite);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        Paragraph note = new Paragraph("The console sends no e-mail: you get a link to pass on yourself. It works "
                + "once, only for that address, for " + InvitationService.LIFETIME.toDays() + " days.");
        note.addClassName("console-muted");
        Div form = new Div(new H3("Invite someone"), note, row);
        form.setId("invite-form");
        return form;
    }

    private void showLink(IssuedInvitation issued) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Invitation for " + issued.invitation().email());
        TextField link = new TextField("Invitation link");
        link.setId("invitation-link");
        link.setValue(publicAddress.base() + issued.path());
        link.setReadOnly(true);
        link.addClassName("console-invite-link");
        link.setWidthFull();
        Paragraph text = new Paragraph("Copy this link now and send it to " + issued.invitation().email()
                + " yourself (the console sends no e-mail). It is shown only this once; if it gets lost, revoke the "
                + "invitation and create a new one.");
        dialog.add(text, link);
        dialog.setWidth("36rem");
        Button done = new Button("Done", e -> dialog.close());
        done.setId("invitation-done");
        done.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(done);
        dialog.open();
    }

    private Div ssoSection() {
        Div section = new Div(new H3("Sign-in"));
        section.setId("sso-settings");
        if (signInOptions.ssoProviders().isEmpty()) {
            Paragraph none = new Paragraph("Members sign in with a password. To use single sign-on, an "
                    + "administrator configures an OpenID Connect provider for this console (see the README, "
                    + "\"Single sign-on\").");
            none.addClassName("console-muted");
            section.add(none);
            return section;
        }
        Checkbox required = new Checkbox("Require single sign-on: members cannot sign in with a password");
        required.setId("sso-required");
        required.setValue(organizations.ssoRequired());
        required.addValueChangeListener(e -> {
            if (!e.isFromClient()) {
                return;
            }
            try {
                String orgName = currentMember.require().orgName();
                organizations.setSsoRequired(e.getValue());
                boolean passwordSession = currentMember.user().map(u -> !u.signedInWithSso()).orElse(true);
                Notices.success(e.getValue() ? "Members of " + orgName + " now sign in only through single "
                        + "sign-on." + (passwordSession ? " You signed in with a password: sign out and sign in "
                        + "through the identity provider to continue." : "")
                        : "Members may sign in with a password again.");
            } catch (ValidationException ex) {
                Notices.error(ex.getMessage());
                required.setValue(e.getOldValue());
            }
        });
        Paragraph note = new Paragraph("With this on, everyone in this organization — you too — signs in through "
                + "the identity provider; their first sign-in there links to their account when the provider "
                + "confirms the same e-mail address.");
        note.addClassName("console-muted");
        section.add(required, note);
        return section;
    }
}
