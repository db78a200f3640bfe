package org.connectorconsole.conversation.ui;

import static org.connectorconsole.conversation.ui.ConversationParts.duration;
import static org.connectorconsole.conversation.ui.ConversationParts.muted;
import static org.connectorconsole.conversation.ui.ConversationParts.number;
import static org.connectorconsole.conversation.ui.ConversationParts.pre;
import static org.connectorconsole.conversation.ui.ConversationParts.pretty;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import org.connectorconsole.base.VisibleText;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolOutcome;

/**
 * One call in the history: its tool, connector, status, time and arguments, then either its progress and Cancel
 * (while it runs) or its message and result. Results from servers are untrusted: shown as text, JSON and images
 * (data URLs of raster types), never as HTML.
 */
final class CallCard extends Div {

    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
    private static final int MAX_IMAGE_BYTES = 2 * 1024 * 1024;

    private final String toolName;

    private CallCard(ToolCallEntry entry) {
        this.toolName = entry.toolName();
        add(head(entry));
        addClassName("console-call-card");
        setId("call-" + entry.id());
        getElement().setAttribute("data-status", entry.status().name());
        Details arguments = new Details("Arguments", pre(pretty(entry.argumentsJson())));
        arguments.addClassName("console-call-arguments");
        add(arguments);
    }

    /** The tool's name, as the history shows it. */
    String toolName() {
        return toolName;
    }

    /** A running call: an indeterminate progress bar, how long the console waits, and Cancel. */
    static CallCard running(ToolCallEntry entry, Duration timeout, Runnable cancelCall) {
        CallCard card = new CallCard(entry);
        ProgressBar bar = new ProgressBar();
        bar.setIndeterminate(true);
        bar.addClassName("console-call-progress");
        Span progressText = new Span("Running… (the console waits up to " + timeout.toSeconds() + " s)");
        progressText.addClassName("console-muted");
        progressText.addClassName("console-call-progress-text");
        Button cancel = new Button("Cancel", e -> {
            e.getSource().setEnabled(false);
            cancelCall.run();
        });
        cancel.setId("cancel-call");
        cancel.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
        card.add(bar, new HorizontalLayout(progressText, cancel));
        return card;
    }

    /** A call that ended: its message (why it failed, or a note) and its result. */
    static CallCard finished(ToolCallEntry entry) {
        CallCard card = new CallCard(entry);
        if (entry.message() != null) {
            Paragraph message = new Paragraph(entry.message());
            message.addClassName(entry.status() == ToolCallStatus.SUCCEEDED ? "console-muted"
                    : "console-connection-reason");
            message.addClassName("console-call-message");
            card.add(message);
        }
        ToolOutcome result = entry.result();
        if (result != null) {
            Div body = new Div();
            body.addClassName("console-call-result");
            if (result.isError()) {
                body.addClassName("console-call-result-error");
            }
            for (ToolOutcome.Part part : result.content()) {
                body.add(part(part));
            }
            if (result.structuredJson() != null) {
                Span label = new Span("Structured result");
                label.addClassName("console-muted");
                body.add(label, pre(pretty(result.structuredJson())));
            }
            card.add(body);
        }
        return card;
    }

    /** The server's progress: the bar determinate when it sends a total, and its message. */
    void showProgress(McpToolSession.Progress progress) {
        getChildren().forEach(child -> {
            if (child instanceof ProgressBar bar && progress.total() != null && progress.total() > 0) {
                bar.setIndeterminate(false);
                bar.setValue(Math.min(1.0, progress.progress() / progress.total()));
            }
        });
        String text = progress.total() != null
                ? String.format(Locale.ROOT, "Progress %s of %s", number(progress.progress()), number(progress.total()))
                : "Progress " + number(progress.progress());
        if (progress.message() != null) {
            text += ": " + progress.message();
        }
        String shown = text;
        getChildren().filter(HorizontalLayout.class::isInstance).findFirst().ifPresent(row -> row.getChildren()
                .filter(Span.class::isInstance).findFirst().ifPresent(span -> ((Span) span).setText(shown)));
    }

    /** A running call this page cannot follow: no Cancel, and why. */
    void cannotFollow() {
        getChildren().filter(HorizontalLayout.class::isInstance).findFirst().ifPresent(this::remove);
        add(muted("Running on another console instance, or left behind by a restart (then it is marked "
                + "failed when that instance starts). Reload to see its outcome."));
    }

    private static HorizontalLayout head(ToolCallEntry entry) {
        Span name = new Span(VisibleText.escape(entry.toolName()));
        name.addClassName("console-tool-name");
        Span connector = new Span(entry.connectorName());
        connector.getElement().getThemeList().add("badge small pill contrast");
        Span status = new Span(entry.status().label());
        status.addClassName("console-call-status");
        status.getElement().getThemeList().add("badge small pill " + switch (entry.status()) {
            case SUCCEEDED -> "success";
            case RUNNING -> "";
            case CANCELLED -> "contrast";
            default -> "error";
        });
        String took = entry.durationMs() == null ? "" : " · " + duration(entry.durationMs());
        Span when = new org.connectorconsole.base.ui.RelativeTime(entry.startedAt(), ago -> ago + took);
        when.addClassName("console-muted");
        when.addClassName("console-call-duration");
        HorizontalLayout head = new HorizontalLayout(name, connector, status, when);
        head.setAlignItems(FlexComponent.Alignment.CENTER);
        head.setSpacing(true);
        return head;
    }

    /** One part of a result, as text (never markup), pretty JSON, or a raster image. */
    private static Component part(ToolOutcome.Part part) {
        if ("image".equals(part.kind())) {
            String type = part.mimeType() == null ? "" : part.mimeType().toLowerCase(Locale.ROOT).strip();
            if (IMAGE_TYPES.contains(type) && part.data() != null && part.data().length() <= MAX_IMAGE_BYTES * 4 / 3 + 4
                    && isBase64(part.data())) {
                Image image = new Image("data:" + type + ";base64," + part.data(), "Image returned by the tool");
                image.addClassName("console-call-image");
                return image;
            }
            return muted("An image of type " + (type.isEmpty() ? "unknown" : type) + " that the console does not "
                    + "show (only PNG, JPEG, GIF and WebP up to 2 MB).");
        }
        if ("text".equals(part.kind())) {
            Pre text = new Pre(part.text() == null ? "" : part.text());
            text.addClassName("console-call-text");
            return text;
        }
        Div other = new Div();
        Span label = new Span(part.kind());
        label.addClassName("console-muted");
        other.add(label, pre(pretty(part.text())));
        return other;
    }

    private static boolean isBase64(String data) {
        try {
            Base64.getDecoder().decode(data);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
