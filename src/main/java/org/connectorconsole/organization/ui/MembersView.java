package org.connectorconsole.organization.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.Authorities;
import org.connectorconsole.security.Role;

/** Organisation settings › Members: who belongs to a Team or Enterprise organisation, for its owners. */
@Route("organization/members")
@PageTitle("Members · Connector Console")
@Menu(title = "Members", order = 50, icon = "vaadin:users")
@RolesAllowed(Authorities.ORG_OWNER)
public class MembersView extends VerticalLayout {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
            .withZone(ZoneId.systemDefault());

    public MembersView(OrganizationService organizations) {
        addClassName("console-page");
        List<MemberSummary> members = organizations.members();
        long owners = members.stream().filter(m -> m.role() == Role.OWNER).count();

        Grid<MemberSummary> grid = new Grid<>(MemberSummary.class, false);
        grid.setId("members");
        grid.addColumn(MemberSummary::displayName).setHeader("Name").setFlexGrow(2);
        grid.addColumn(MemberSummary::email).setHeader("E-mail address").setFlexGrow(3);
        grid.addComponentColumn(m -> {
            Span role = new Span(m.role().label());
            role.getElement().getThemeList().add(m.role() == Role.OWNER ? "badge" : "badge contrast");
            return role;
        }).setHeader("Role");
        grid.addColumn(m -> DATE.format(m.joinedAt())).setHeader("Joined");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setItems(members);
        grid.setAllRowsVisible(true);

        add(new H2("Members"),
                new Paragraph(members.size() + (members.size() == 1 ? " person" : " people") + ", " + owners
                        + (owners == 1 ? " owner" : " owners") + ". Each member connects to the organisation's "
                        + "connectors with their own sign-in."),
                grid);
    }
}
