package org.connectorconsole.base.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.html.Span;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * A relative time on a page ("just now", "3 min ago") that stays true: while attached it is kept by its UI's one
 * {@link RelativeTimes} ticker, which rewrites every such label of the UI together (one timer per UI, none per
 * label).
 */
public class RelativeTime extends Span {

    private final Instant when;
    private final Function<String, String> wording;

    /** {@code wording} turns "3 min ago" into the label's text, e.g. {@code ago -> "last used " + ago}. */
    public RelativeTime(Instant when, Function<String, String> wording) {
        this.when = when;
        this.wording = wording;
        addClassName("console-relative-time");
        getElement().setAttribute("title", when.toString());
    }

    public RelativeTime(Instant when) {
        this(when, Function.identity());
    }

    void show(Clock clock) {
        setText(wording.apply(TimeTexts.ago(when, clock)));
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        RelativeTimes.of(attachEvent.getUI()).add(this);
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        RelativeTimes.of(detachEvent.getUI()).remove(this);
    }
}
