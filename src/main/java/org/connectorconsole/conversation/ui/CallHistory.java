package org.connectorconsole.conversation.ui;

import static org.connectorconsole.conversation.ui.ConversationParts.muted;
import static org.connectorconsole.conversation.ui.ConversationParts.push;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.conversation.ConversationId;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.InputRequest;
import org.connectorconsole.conversation.RunningCall;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.mcp.McpToolSession;

/**
 * The conversation's calls, oldest first: the latest {@value ConversationService#HISTORY}, with "Show earlier calls"
 * above them while there are more. Running calls (started here, before a reload, or in another tab) show their
 * progress and Cancel until they end.
 */
class CallHistory extends VerticalLayout {

    /** Follows a call this page starts: its progress and end, shown once its card is. */
    final class Follower implements ToolCallListener {

        private final UI ui;
        private volatile UUID callId;

        private Follower(UI ui) {
            this.ui = ui;
        }

        @Override
        public void progress(McpToolSession.Progress progress) {
            push(ui, () -> showProgress(callId, progress));
        }

        @Override
        public void finished(ToolCallEntry entry) {
            push(ui, () -> showFinished(entry));
        }

        @Override
        public boolean answersInput() {
            return true;
        }

        /** The server asks for input: a dialog on this page; a page that is gone cancels (if it was the last). */
        @Override
        public void inputRequested(InputRequest request) {
            request.shown();
            try {
                ui.access(() -> showInputRequest(callId, request));
            } catch (UIDetachedException | IllegalStateException e) {
                request.hidden();
            }
        }
    }

    private final ConversationService conversations;
    private final Runnable onRefused;
    private final Map<UUID, CallCard> runningCards = new LinkedHashMap<>();
    /** Every call with a card on the page (running or finished). */
    private final java.util.Set<UUID> shown = new java.util.HashSet<>();
    private ConversationId conversationId;

    /** {@code onRefused} runs when a call ends refused (the tools may have changed). */
    CallHistory(ConversationService conversations, Runnable onRefused) {
        this.conversations = conversations;
        this.onRefused = onRefused;
        setId("conversation-history");
        setPadding(false);
    }

    /** Shows the latest calls of the conversation (again). */
    void show(ConversationId id) {
        conversationId = id;
        removeAll();
        runningCards.clear();
        shown.clear();
        ListPage<ToolCallEntry> latest = conversations.history(id, null, ConversationService.HISTORY);
        if (latest.items().isEmpty()) {
            Paragraph empty = muted("No tool calls yet. Choose a tool above to run it; its result stays here.");
            empty.setId("no-history");
            add(empty);
            return;
        }
        showEarlier(latest);
    }

    /**
     * Calls started or finished elsewhere (another tab, the gateway, another console instance) since the page
     * showed them: new ones appended, running ones that ended replaced by their result.
     */
    void catchUp() {
        if (conversationId == null) {
            return;
        }
        ListPage<ToolCallEntry> latest = conversations.history(conversationId, null, ConversationService.HISTORY);
        for (ToolCallEntry entry : latest.items()) {
            if (!shown.contains(entry.id())) {
                removeEmpty();
                add(entry.status() == ToolCallStatus.RUNNING ? follow(entry) : CallCard.finished(entry));
                shown.add(entry.id());
            } else if (entry.status() != ToolCallStatus.RUNNING && runningCards.containsKey(entry.id())) {
                showFinished(entry);
            }
        }
    }

    /** A listener for a call about to be started from this page (on {@code ui}). */
    Follower follower(UI ui) {
        return new Follower(ui);
    }

    /** Shows a call this page just started, at the end, followed by {@code follower}. */
    void showStarted(RunningCall call, Follower follower) {
        UUID id = call.entry().id();
        follower.callId = id;
        CallCard card = CallCard.running(call.entry(), conversations.callTimeout(), call::cancel);
        if (!runningCards.containsKey(id) && shown.add(id)) {
            runningCards.put(id, card);
            removeEmpty();
            add(card);
            card.scrollIntoView();
        }
    }

    /** Puts a page of calls above those shown, with "Show earlier calls" above them while there are more. */
    private void showEarlier(ListPage<ToolCallEntry> page) {
        getChildren().filter(c -> c.getId().map("earlier-calls"::equals).orElse(false)).toList()
                .forEach(this::remove);
        List<Component> cards = new ArrayList<>();
        if (page.hasMore()) {
            ToolCallEntry oldest = page.items().getFirst();
            Button earlier = new Button("Show earlier calls", e -> showEarlier(
                    conversations.history(conversationId, oldest, ConversationService.HISTORY)));
            earlier.setId("earlier-calls");
            earlier.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            cards.add(earlier);
        }
        for (ToolCallEntry entry : page.items()) {
            shown.add(entry.id());
            cards.add(entry.status() == ToolCallStatus.RUNNING ? follow(entry) : CallCard.finished(entry));
        }
        for (int i = cards.size() - 1; i >= 0; i--) {
            addComponentAsFirst(cards.get(i));
        }
    }

    /** A call still running (started before a reload, or in another tab): its progress, its end, Cancel. */
    private CallCard follow(ToolCallEntry entry) {
        CallCard card = CallCard.running(entry, conversations.callTimeout(), () -> conversations.cancel(entry.id()));
        runningCards.put(entry.id(), card);
        Follower follower = new Follower(getUI().orElseGet(UI::getCurrent));
        follower.callId = entry.id();
        if (!conversations.watch(entry.id(), follower)) {
            card.cannotFollow();
        }
        return card;
    }

    private void showInputRequest(UUID callId, InputRequest request) {
        CallCard card = callId == null ? null : runningCards.get(callId);
        String tool = card == null ? "A tool" : card.toolName();
        InputRequestDialog dialog = new InputRequestDialog(request, tool);
        UI ui = UI.getCurrent();
        request.whenAnswered(answer -> push(ui, dialog::close));
        if (!request.answered()) {
            dialog.open();
        } else {
            request.hidden();
        }
    }

    private void showProgress(UUID callId, McpToolSession.Progress progress) {
        CallCard card = callId == null ? null : runningCards.get(callId);
        if (card != null) {
            card.showProgress(progress);
        }
    }

    private void showFinished(ToolCallEntry entry) {
        CallCard old = runningCards.remove(entry.id());
        if (old == null && !shown.add(entry.id())) {
            return; // already shown finished (caught up from the database before this page's follower said so)
        }
        CallCard fresh = CallCard.finished(entry);
        if (old != null && old.getParent().isPresent()) {
            replace(old, fresh);
        } else {
            removeEmpty();
            add(fresh);
        }
        if (entry.status() == ToolCallStatus.REFUSED) {
            onRefused.run();
        }
    }

    private void removeEmpty() {
        getChildren().filter(c -> c.getId().map("no-history"::equals).orElse(false)).toList().forEach(this::remove);
    }
}
