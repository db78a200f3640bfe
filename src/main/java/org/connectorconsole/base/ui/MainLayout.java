package org.connectorconsole.base.ui;

import org.springframework.security.access.AccessDeniedException;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.avatar.Avatar;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.menubar.MenuBarVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.server.menu.MenuEntry;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import com.vaadin.flow.component.select.Select;
import java.util.List;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationChoices;
import org.connectorconsole.base.SignedInSummary;

/**
 * The app shell. The side navigation lists only the views the signed-in person may open: Vaadin builds it from
 * each view's {@code @Menu} and access annotation, so a view hidden here is also refused when typed in.
 */
@Layout
@PermitAll
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    private final List<NavAttention> attention;
    private final java.util.Map<String, SideNavItem> items = new java.util.LinkedHashMap<>();
    private final boolean signedIn;

    MainLayout(SignedInSummary signedIn, OrganizationChoices organizations, AuthenticationContext authentication,
            List<NavAttention> attention) {
        this.attention = attention;
        setPrimarySection(Section.DRAWER);
        SignedInSummary.Summary me = signedIn.current().orElse(null);
        this.signedIn = me != null;

        H1 product = new H1("Connector Console");
        product.addClassName("console-product");
        Span org = new Span(me == null || me.organizationName() == null ? "" : me.organizationName());
        org.addClassName("console-org-name");
        Div brand = new Div(product, org);
        brand.addClassName("console-brand");

        SideNav nav = new SideNav();
        nav.addClassName("console-nav");
        for (MenuEntry entry : MenuConfiguration.getMenuEntries()) {
            SideNavItem item = new SideNavItem(entry.title(), entry.path());
            if (entry.icon() != null) {
                String[] icon = entry.icon().split(":", 2);
                item.setPrefixComponent(icon.length == 2 ? new Icon(icon[0], icon[1]) : new Icon(entry.icon()));
            }
            items.put(entry.path() == null ? "" : entry.path().replaceFirst("^/", ""), item);
            nav.addItem(item);
        }
        addToDrawer(brand);
        organizationSwitcher(organizations);
        addToDrawer(nav);

        HorizontalLayout header = new HorizontalLayout();
        header.setWidthFull();
        header.setAlignItems(FlexComponent.Alignment.CENTER);
        header.addClassName("console-header");
        DrawerToggle toggle = new DrawerToggle();
        toggle.setAriaLabel("Menu");
        header.add(toggle);
        Span spacer = new Span();
        header.addAndExpand(spacer);
        if (me != null && me.plan() != null) {
            Span plan = new Span(me.plan().label() + " plan · " + me.roleLabel());
            plan.getElement().getThemeList().add("badge contrast pill");
            plan.addClassName("console-plan-badge");
            header.add(plan);
        }
        if (me != null) {
            MenuBar userMenu = new MenuBar();
            userMenu.addThemeVariants(MenuBarVariant.LUMO_TERTIARY_INLINE);
            userMenu.getElement().setAttribute("aria-label", "Your account");
            Avatar avatar = new Avatar(me.displayName());
            avatar.addThemeVariants(com.vaadin.flow.component.avatar.AvatarVariant.LUMO_XSMALL);
            Span name = new Span(me.displayName());
            name.addClassName("console-user-name");
            HorizontalLayout who = new HorizontalLayout(avatar, name);
            who.addClassName("console-who");
            who.setAlignItems(FlexComponent.Alignment.CENTER);
            who.setSpacing(true);
            var root = userMenu.addItem(who);
            root.getSubMenu().addItem("Account", e -> getUI().ifPresent(ui -> ui.navigate("account")));
            root.getSubMenu().addItem("Sign out", e -> authentication.logout()).setId("sign-out");
            header.add(userMenu);
        }
        addToNavbar(header);
        // the page area scrolls: keyboard users reach it too (axe-core's scrollable-region-focusable)
        getElement().executeJs("const c = this.shadowRoot && this.shadowRoot.querySelector('[part=content]');"
                + "if (c) { c.tabIndex = 0; c.setAttribute('role', 'region'); c.setAttribute('aria-label', 'Page'); }");
    }

    /** The layout stays while the person moves between pages: what waits for them is counted again each time. */
    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        if (signedIn) {
            items.forEach((path, item) -> attentionBadge(item, path, attention));
        }
    }

    /** What waits for the signed-in person behind this item, as a count badge (nothing when nothing does). */
    private static void attentionBadge(SideNavItem item, String bare, List<NavAttention> attention) {
        if (attention.stream().noneMatch(a -> a.path().equals(bare))) {
            return;
        }
        long total = 0;
        List<String> what = new java.util.ArrayList<>();
        for (NavAttention a : attention) {
            if (!a.path().equals(bare)) {
                continue;
            }
            try {
                var waiting = a.waiting().orElse(null);
                if (waiting != null && waiting.count() > 0) {
                    total += waiting.count();
                    what.add(waiting.description());
                }
            } catch (RuntimeException e) {
                // a count that cannot be read now must not stop the navigation from showing
            }
        }
        if (total > 0) {
            Span badge = new Span(Long.toString(total));
            badge.getElement().getThemeList().add("badge error pill small");
            badge.getElement().setAttribute("aria-label", String.join("; ", what));
            badge.getElement().setAttribute("title", String.join("; ", what));
            badge.setId("attention-" + bare.replace('/', '-'));
            badge.addClassName("console-nav-attention");
            item.setSuffixComponent(badge);
        } else {
            item.setSuffixComponent(null);
        }
    }

    /** Only for people in more than one organization: which one this session acts in (kept server-side). */
    private void organizationSwitcher(OrganizationChoices organizations) {
        List<OrganizationChoices.Choice> choices = organizations.choices();
        if (choices.size() < 2) {
            return;
        }
        Select<OrganizationChoices.Choice> select = new Select<>();
        select.setId("organization-switcher");
        select.setLabel("Organization");
        select.setItems(choices);
        select.setItemLabelGenerator(c -> c.name() + " · " + c.roleLabel());
        choices.stream().filter(OrganizationChoices.Choice::active).findFirst().ifPresent(select::setValue);
        select.addClassName("console-org-switcher");
        select.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                try {
                    organizations.switchTo(e.getValue().id());
                } catch (AccessDeniedException | NotFoundException refused) {
                    // e.g. the organization requires single sign-on and this session signed in with a password
                    select.setValue(e.getOldValue());
                    Notices.error(refused.getMessage());
                    return;
                }
                // a fresh page: navigation, badges and every view are built for the new organization
                getUI().ifPresent(ui -> ui.getPage().setLocation("/"));
            }
        });
        addToDrawer(select);
    }
}
