package org.connectorconsole.conversation.ui;

import static org.connectorconsole.conversation.ui.ConversationParts.pre;
import static org.connectorconsole.conversation.ui.ConversationParts.pretty;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import java.util.List;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageSection;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.ConnectOutcomes;
import org.connectorconsole.conversation.ApprovalRequiredException;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationId;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ConversationTool;
import org.connectorconsole.conversation.RunningCall;
import org.connectorconsole.conversation.ToolCallRequest;
import org.connectorconsole.conversation.ToolRefusedException;
import org.springframework.security.access.AccessDeniedException;

/**
 * One conversation: the tools of the connectors switched on here ({@link ToolList}), the history of calls and their
 * results ({@link CallHistory}), and at the bottom left the "+" button whose Connectors menu ({@link ConnectorsMenu})
 * switches connectors on and off for this conversation only. The view puts them together and runs a chosen tool.
 */
@Route("conversations/:id")
@PageTitle("Conversation · Connector Console")
@PermitAll
class ConversationView extends VerticalLayout implements BeforeEnterObserver {

    private final ConversationService conversations;
    private final ConversationHeader header;
    private final Div outcome = new Div();
    private final ToolList tools;
    private final CallHistory history;
    private final ConnectorsMenu menu;
    private Conversation conversation;

    private final List<PageSection> sections;
    private final Div contributed = new Div();

    ConversationView(ConversationService conversations, ConnectionService connections, List<PageSection> sections,
            org.connectorconsole.security.LiveUpdates live) {
        this.sections = sections;
        this.conversations = conversations;
        this.header = new ConversationHeader(conversations);
        this.tools = new ToolList(conversations, this::openTool);
        this.history = new CallHistory(conversations, this::loadTools);
        this.menu = new ConnectorsMenu(conversations, connections, this::loadTools);
        addClassName("console-page");
        addClassName("console-conversation");
        setMaxWidth("64rem");
        Anchor back = new Anchor("conversations", "← Conversations");
        back.addClassName("console-trail");
        outcome.setId("connection-outcome");
        outcome.setVisible(false);
        add(back, header, outcome, new H3("Tools"), tools, new H3("History"), history, menu.composer(), menu,
                contributed);
        // a call started or finished in another tab or through the gateway; tools held, approved, connections changed
        org.connectorconsole.base.ui.LivePage.onChanges(this, live::subscribe, java.util.EnumSet.of(
                org.connectorconsole.base.LiveTopic.TOOL_CALLS, org.connectorconsole.base.LiveTopic.CONNECTORS, org.connectorconsole.base.LiveTopic.TOOLS, org.connectorconsole.base.LiveTopic.CONNECTIONS), seen -> {
                    if (seen.contains(org.connectorconsole.base.LiveTopic.TOOL_CALLS) || seen.contains(org.connectorconsole.base.LiveTopic.RESYNC)) {
                        history.catchUp();
                    }
                    if (!seen.equals(java.util.EnumSet.of(org.connectorconsole.base.LiveTopic.TOOL_CALLS))) {
                        tools.refresh(); // drawn again only if the answer differs from what is shown
                    }
                });
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        ConversationId id = event.getRouteParameters().get("id").flatMap(ConversationId::parse)
                .orElseThrow(() -> new NotFoundException("There is no such conversation."));
        conversation = conversations.get(id);
        header.show(conversation);
        tools.showFor(id);
        menu.showFor(id);
        showConnectOutcome(ConnectOutcomes.take());
        history.show(id);
        // other features' sections for this conversation (the gateway's endpoint of this conversation)
        contributed.removeAll();
        sections.stream().filter(s -> PageSection.CONVERSATION.equals(s.page()))
                .forEach(s -> s.create(id.value()).ifPresent(contributed::add));
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        loadTools();
    }

    /** Back from a connector's sign-in page: "Connected to X", or why not. */
    private void showConnectOutcome(CallbackOutcome result) {
        if (result == null) {
            return;
        }
        outcome.removeAll();
        outcome.add(new Span(result.message() + (result.connected()
                ? " Switch it on for this conversation with + › Connectors." : "")));
        outcome.setClassName("console-outcome " + (result.connected() ? "console-outcome-success"
                : "console-outcome-error"));
        outcome.setVisible(true);
    }

    private void loadTools() {
        tools.load();
    }

    private void openTool(ConversationTool tool) {
        ToolRunDialog dialog = new ToolRunDialog(tool, d -> start(tool, d, null));
        dialog.open();
    }

    private void start(ConversationTool tool, ToolRunDialog dialog, String confirmed) {
        String arguments = dialog.argumentsJson();
        CallHistory.Follower follower = history.follower(UI.getCurrent());
        try {
            dialog.running(true);
            RunningCall call = conversations.start(new ToolCallRequest(conversation.id(), tool.connectorId(),
                    tool.name(), arguments, confirmed), follower);
            dialog.close();
            history.showStarted(call, follower);
        } catch (ApprovalRequiredException e) {
            dialog.running(false);
            confirm(tool, dialog, arguments, e);
        } catch (ValidationException e) {
            dialog.running(false);
            dialog.showProblem(e.getMessage());
        } catch (ToolRefusedException | AccessDeniedException | NotFoundException e) {
            dialog.close();
            Notices.error(e.getMessage());
            history.show(conversation.id());
            loadTools();
        }
    }

    /** The tool needs the member's confirmation of exactly these arguments: show them, then run with it. */
    private void confirm(ConversationTool tool, ToolRunDialog dialog, String arguments, ApprovalRequiredException e) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setId("confirm-call");
        confirm.setHeader("Run " + tool.label() + "?");
        Div text = new Div(new Paragraph(e.getMessage() + " It will run on " + tool.connectorName()
                + " with your connection, with exactly these arguments:"), pre(pretty(arguments)));
        confirm.setText(text);
        confirm.setCancelable(true);
        confirm.setConfirmText("Run it");
        confirm.addConfirmListener(ev -> start(tool, dialog, e.argumentsHash()));
        confirm.open();
    }
}
