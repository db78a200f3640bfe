package org.connectorconsole.base.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import org.connectorconsole.base.IconData;

/**
 * A server's or a tool's icon beside its name: the checked image as a {@code data:} URL the console writes itself
 * (so the browser never loads a third party's address), or a neutral Vaadin icon when there is none.
 */
public final class IconImages {

    private IconImages() {
    }

    /** A connector's (MCP server's) icon, or a plug. */
    public static Component server(IconData icon) {
        return of(icon, VaadinIcon.CONNECT);
    }

    /** A tool's icon, or a wrench. */
    public static Component tool(IconData icon) {
        return of(icon, VaadinIcon.WRENCH);
    }

    private static Component of(IconData icon, VaadinIcon fallback) {
        if (icon == null) {
            Icon neutral = fallback.create();
            neutral.setSize("20px");
            neutral.addClassName("console-icon");
            neutral.addClassName("console-icon-fallback");
            neutral.getElement().setAttribute("aria-hidden", "true");
            return neutral;
        }
        Image image = new Image(icon.dataUrl(), "");
        image.setWidth("20px");
        image.setHeight("20px");
        image.addClassName("console-icon");
        image.getStyle().set("object-fit", "contain").set("flex", "none");
        return image;
    }
}
