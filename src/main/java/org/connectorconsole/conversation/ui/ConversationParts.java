package org.connectorconsole.conversation.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Small pieces the conversation page's components share: muted text, JSON blocks, numbers, pushes. */
final class ConversationParts {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConversationParts() {
    }

    static Pre pre(String text) {
        Pre pre = new Pre(text == null ? "" : text);
        pre.addClassName("console-json");
        return pre;
    }

    /** JSON indented for reading; anything that is not JSON as it is. */
    static String pretty(String json) {
        if (json == null) {
            return "";
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readValue(json, Object.class));
        } catch (JacksonException e) {
            return json;
        }
    }

    static Paragraph muted(String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName("console-muted");
        return p;
    }

    static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String duration(long millis) {
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** Changes the page from a background thread; nothing happens when the page is gone. */
    static void push(UI target, Runnable change) {
        if (target == null) {
            return;
        }
        try {
            target.access(change::run);
        } catch (UIDetachedException e) {
            // the person left; the history keeps the outcome
        }
    }
}
