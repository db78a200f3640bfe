package org.connectorconsole.conversation.ui;

import static org.connectorconsole.conversation.ui.ConversationParts.push;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.connectorconsole.base.VisibleText;
import org.connectorconsole.base.ui.StateBadges;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.conversation.ConversationId;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ConversationTool;
import org.connectorconsole.conversation.ToolBoard;

/**
 * The tools of the connectors switched on in the conversation, asked from their servers in the background each time
 * the list loads: a card per tool (one an owner blocked or holds for review shows why and cannot be opened), and
 * the problems listing met.
 */
class ToolList extends VerticalLayout {

    private final ConversationService conversations;
    private final Consumer<ConversationTool> onOpen;
    private final Set<String> toolIds = new HashSet<>();
    private ConversationId conversationId;
    /** What the list draws now ({@link #drawn}); null while it shows the progress bar. */
    private List<Object> shown;
    private int asks;
    private int answers;

    /** {@code onOpen} runs when the member chooses a tool they may run. */
    ToolList(ConversationService conversations, Consumer<ConversationTool> onOpen) {
        this.conversations = conversations;
        this.onOpen = onOpen;
        setId("conversation-tools");
        setPadding(false);
    }

    void showFor(ConversationId id) {
        conversationId = id;
        shown = null;
    }

    /** Asks the servers again; the list shows a progress bar until they answered. */
    void load() {
        removeAll();
        shown = null;
        ProgressBar bar = new ProgressBar();
        bar.setIndeterminate(true);
        bar.setWidth("12rem");
        Span loading = new Span("Asking the switched-on connectors for their tools…");
        loading.addClassName("console-muted");
        add(new HorizontalLayout(bar, loading));
        ask();
    }

    /**
     * After a change elsewhere (live): asks the servers again while the list stays as it is, and draws it again only
     * when what they answered differs from what is shown, so a card the member is about to click stays in place.
     */
    void refresh() {
        if (shown == null) {
            load();
            return;
        }
        ask();
    }

    /** How many answers the list has received (tests wait for one after a change). */
    int answers() {
        return answers;
    }

    private void ask() {
        int asked = ++asks;
        UI current = getUI().orElseGet(UI::getCurrent);
        conversations.tools(conversationId, board -> push(current, () -> {
            answers++;
            // an older answer than the newest question is of no use: the newer one follows
            if (asked == asks) {
                show(board);
            }
        }));
    }

    private void show(ToolBoard board) {
        List<Object> drawn = drawn(board);
        if (drawn.equals(shown)) {
            return;
        }
        shown = drawn;
        removeAll();
        for (ToolBoard.Problem problem : board.problems()) {
            // what needs the member's action comes first, with the state's badge
            Paragraph p = new Paragraph(problem.message() + (problem.reconnect()
                    ? " Use + › Connectors to connect again." : ""));
            p.addClassName("console-connection-reason");
            HorizontalLayout line = problem.state() == null ? new HorizontalLayout(p)
                    : new HorizontalLayout(StateBadges.badge(problem.state()), p);
            line.setAlignItems(FlexComponent.Alignment.BASELINE);
            line.addClassName("console-tool-problem");
            add(line);
        }
        if (board.tools().isEmpty()) {
            if (board.problems().isEmpty()) {
                Div empty = new Div(new H3("No connectors switched on"), new Paragraph("Use the + button at the "
                        + "bottom left, then Connectors, to switch on a connector for this conversation. Its tools "
                        + "appear here."));
                empty.setId("no-tools");
                empty.addClassName("console-empty");
                add(empty);
            }
            return;
        }
        toolIds.clear();
        // the tools the member can run first; a long list folds after the first few, so the history stays in view
        List<ConversationTool> ordered = java.util.stream.Stream.concat(
                board.tools().stream().filter(ConversationTool::runnable),
                board.tools().stream().filter(t -> !t.runnable())).toList();
        Div grid = new Div();
        grid.addClassName("console-tool-grid");
        for (ConversationTool tool : ordered.subList(0, Math.min(FOLD_AFTER, ordered.size()))) {
            grid.add(card(tool));
        }
        add(grid);
        if (ordered.size() > FOLD_AFTER) {
            Div rest = new Div();
            rest.addClassName("console-tool-grid");
            for (ConversationTool tool : ordered.subList(FOLD_AFTER, ordered.size())) {
                rest.add(card(tool));
            }
            int more = ordered.size() - FOLD_AFTER;
            Details fold = new Details(more == 1 ? "1 more tool" : more + " more tools", rest);
            fold.setOpened(false);
            fold.setId("more-tools");
            add(fold);
        }
    }

    /** What a board draws, comparable (an icon's bytes by value). */
    private static List<Object> drawn(ToolBoard board) {
        List<Object> key = new ArrayList<>(board.problems());
        for (ConversationTool t : board.tools()) {
            key.add(new ConversationTool(t.connectorId(), t.connectorName(), t.name(), t.title(), t.description(),
                    t.inputSchemaJson(), t.policy(), t.refusal(), null));
            key.add(t.icon() == null ? "" : t.icon().dataUrl());
        }
        return key;
    }

    /** Tool lists longer than this fold into a closed Details. */
    static final int FOLD_AFTER = 5;

    private Div card(ConversationTool tool) {
        Span name = new Span(VisibleText.escape(tool.label()));
        name.addClassName("console-tool-name");
        Span connector = new Span(tool.connectorName());
        connector.getElement().getThemeList().add("badge small pill contrast");
        HorizontalLayout head = new HorizontalLayout(org.connectorconsole.base.ui.IconImages.tool(tool.icon()), name,
                connector);
        head.setAlignItems(FlexComponent.Alignment.CENTER);
        head.setSpacing(true);
        Div card = new Div(head);
        card.addClassName("console-tool-card");
        String id = "tool-" + tool.name();
        // two connectors may offer tools of the same name: the second card gets its connector in its id
        card.setId(toolIds.add(id) ? id : id + "-" + tool.connectorId());
        card.getElement().setAttribute("data-connector", tool.connectorId().toString());
        if (!tool.runnable()) {
            Span badge = new Span(tool.policy() == ToolPolicy.BLOCKED ? "Blocked" : "Waiting for review");
            badge.getElement().getThemeList().add("badge small pill error");
            head.add(badge);
            Span why = new Span(tool.refusal());
            why.addClassName("console-muted");
            card.add(new Div(why));
            card.addClassName("console-tool-card-off");
            return card;
        }
        if (tool.needsApproval()) {
            Span badge = new Span("You confirm each call");
            badge.getElement().getThemeList().add("badge small pill");
            head.add(badge);
        }
        if (tool.description() != null && !tool.description().isBlank()) {
            String d = VisibleText.escape(tool.description());
            Span text = new Span(d.length() > 200 ? d.substring(0, 200) + "…" : d);
            text.addClassName("console-muted");
            card.add(new Div(text));
        }
        card.addClassName("console-clickable");
        card.addClickListener(e -> onOpen.accept(tool));
        org.connectorconsole.base.ui.KeyboardActivation.of(card);
        return card;
    }
}
