package org.connectorconsole.organization.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import org.connectorconsole.organization.Organization;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;

/** Where every signed-in person lands: their organization, plan and role, and what that lets them do. */
@Route("")
@PageTitle("Overview · Connector Console")
@Menu(title = "Overview", order = 0, icon = "vaadin:home")
@PermitAll
class OverviewView extends VerticalLayout {

    OverviewView(OrganizationService organizations, CurrentMember currentMember) {
        addClassName("console-page");
        setMaxWidth("56rem");
        Member me = currentMember.require();
        Organization org = organizations.current();

        H2 title = new H2("Welcome, " + me.displayName());
        Div facts = new Div(fact("Organization", org.name()), fact("Plan", org.plan().label()),
                fact("Your role", me.role().label()));
        facts.addClassName("console-facts");

        H3 what = new H3("What you can do here");
        Paragraph text = new Paragraph(whatYouCanDo(me));
        text.setId("what-you-can-do");
        Paragraph caution = new Paragraph("Custom connectors reach services that nobody has verified. Add and "
                + "connect only servers you trust.");
        caution.addClassName("console-caution");
        add(title, facts, what, text, caution);
    }

    static String whatYouCanDo(Member me) {
        if (!me.plan().allowsCustomConnectors()) {
            return "Custom connectors need a paid plan (Pro, Max, Team or Enterprise). On the Free plan you can "
                    + "manage your account.";
        }
        if (me.plan().isOrganization() && me.isOwner()) {
            return "As an owner you add the organization's custom connectors and manage its members; every member "
                    + "then connects to them with their own sign-in.";
        }
        if (me.plan().isOrganization()) {
            return "Your organization's owners add custom connectors; you connect to them with your own sign-in, "
                    + "so a connector reaches only what you may reach.";
        }
        return "On the " + me.plan().label() + " plan you add, connect and remove your own custom connectors.";
    }

    private static Div fact(String label, String value) {
        Span l = new Span(label);
        l.addClassName("console-fact-label");
        Span v = new Span(value);
        v.addClassName("console-fact-value");
        Div d = new Div(l, v);
        d.addClassName("console-fact");
        return d;
    }
}
