package org.connectorconsole.base.ui;

import com.vaadin.flow.component.Component;

/**
 * Makes a clickable card usable by keyboard: a Tab stop with the button role, run by Enter or Space
 * as a click is (the layout journey's keyboard check Tabs through every page).
 */
public final class KeyboardActivation {

    private KeyboardActivation() {
    }

    /** The card's click listeners run on Enter and Space too; its text is the button's name. */
    public static void of(Component card) {
        card.getElement().setAttribute("tabindex", "0");
        card.getElement().setAttribute("role", "button");
        card.getElement().executeJs("this.addEventListener('keydown', e => {"
                + " if (e.target === this && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); this.click(); }"
                + " });");
    }
}
