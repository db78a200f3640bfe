package org.connectorconsole.conversation.ui;

import org.connectorconsole.base.VisibleText;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.popover.Popover;
import com.vaadin.flow.component.popover.PopoverPosition;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.TimeTexts;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.ui.ConnectOutcomes;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.conversation.ApprovalRequiredException;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationConnector;
import org.connectorconsole.conversation.ConversationId;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ConversationTool;
import org.connectorconsole.conversation.RunningCall;
import org.connectorconsole.conversation.ToolBoard;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallRequest;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.conversation.ToolRefusedException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolOutcome;
import org.springframework.security.access.AccessDeniedException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * One conversation: the tools of the connectors switched on here, the history of calls and their results, and at
 * the bottom left the "+" button whose Connectors menu switches connectors on and off for this conversation only.
 * Results from servers are untrusted: shown as text, JSON and images (data URLs of raster types), never as HTML.
 */
@Route("conversations/:id")
@PageTitle("Conversation · Connector Console")
@PermitAll
public class ConversationView extends VerticalLayout implements BeforeEnterObserver {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
    private static final int MAX_IMAGE_BYTES = 2 * 1024 * 1024;

    private final ConversationService conversations;
    private final ConnectionService connections;
    private Conversation conversation;
    private final H2 title = new H2();
    private final Div outcome = new Div();
    private final VerticalLayout tools = new VerticalLayout();
    private final VerticalLayout history = new VerticalLayout();
    private final Button plus = new Button(VaadinIcon.PLUS.create());
    private final Popover menu = new Popover();
    private final VerticalLayout menuContent = new VerticalLayout();
    private final Map<UUID, Div> runningCards = new LinkedHashMap<>();
    private final Set<String> toolIds = new java.util.HashSet<>();
    private UI ui;

    public ConversationView(ConversationService conversations, ConnectionService connections) {
        this.conversations = conversations;
        this.connections = connections;
        addClassName("console-page");
        addClassName("console-conversation");
        setMaxWidth("64rem");
        Anchor back = new Anchor("conversations", "← Conversations");
        back.addClassName("console-trail");
        title.setId("conversation-title");
        Button rename = new Button(VaadinIcon.EDIT.create(), e -> rename());
        rename.setId("rename-conversation");
        rename.setAriaLabel("Rename");
        rename.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Button delete = new Button(VaadinIcon.TRASH.create(), e -> confirmDelete());
        delete.setId("delete-conversation");
        delete.setAriaLabel("Delete conversation");
        delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        HorizontalLayout heading = new HorizontalLayout(title, rename, delete);
        heading.setAlignItems(FlexComponent.Alignment.CENTER);
        outcome.setId("connection-outcome");
        outcome.setVisible(false);
        tools.setId("conversation-tools");
        tools.setPadding(false);
        history.setId("conversation-history");
        history.setPadding(false);

        plus.setId("conversation-plus");
        plus.setAriaLabel("Add to this conversation");
        plus.addThemeVariants(ButtonVariant.LUMO_ICON, ButtonVariant.LUMO_CONTRAST);
        plus.addClassName("console-plus");
        menu.setTarget(plus);
        menu.setPosition(PopoverPosition.TOP_START);
        menu.setModal(true);
        menu.setWidth("22rem");
        menu.add(menuContent);
        menu.addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                showMenuRoot();
            }
        });
        menuContent.setPadding(false);
        menuContent.setSpacing(false);
        menuContent.setId("conversation-menu");
        Span hint = new Span("Use + to switch connectors on or off for this conversation.");
        hint.addClassName("console-muted");
        HorizontalLayout composer = new HorizontalLayout(plus, hint);
        composer.setAlignItems(FlexComponent.Alignment.CENTER);
        composer.addClassName("console-composer");
        composer.setId("conversation-composer");

        add(back, heading, outcome, new H3("Tools"), tools, new H3("History"), history, composer, menu);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        ConversationId id = event.getRouteParameters().get("id").flatMap(ConversationId::parse)
                .orElseThrow(() -> new NotFoundException("There is no such conversation."));
        conversation = conversations.get(id);
        title.setText(conversation.title());
        CallbackOutcome result = ConnectOutcomes.take();
        if (result != null) {
            outcome.removeAll();
            outcome.add(new Span(result.message() + (result.connected()
                    ? " Switch it on for this conversation with + › Connectors." : "")));
            outcome.setClassName("console-outcome " + (result.connected() ? "console-outcome-success"
                    : "console-outcome-error"));
            outcome.setVisible(true);
        }
        showHistory();
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        ui = attachEvent.getUI();
        loadTools();
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        ui = null;
    }

    // ------------------------------------------------------------------ "+" › Connectors

    private void showMenuRoot() {
        menuContent.removeAll();
        Button connectorsItem = new Button("Connectors", VaadinIcon.PLUG.create(), e -> showConnectorsMenu());
        connectorsItem.setId("menu-connectors");
        connectorsItem.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        connectorsItem.setIconAfterText(false);
        connectorsItem.setWidthFull();
        connectorsItem.addClassName("console-menu-item");
        menuContent.add(connectorsItem);
    }

    private void showConnectorsMenu() {
        menuContent.removeAll();
        Button backButton = new Button("Connectors", VaadinIcon.ANGLE_LEFT.create(), e -> showMenuRoot());
        backButton.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        menuContent.add(backButton);
        if (!conversations.connectorsAvailable()) {
            menuContent.add(muted("Connectors need a paid plan (Pro, Max, Team or Enterprise)."));
            return;
        }
        List<ConversationConnector> list = conversations.connectors(conversation.id());
        if (list.isEmpty()) {
            Paragraph empty = muted("Your organisation has no connectors yet. An owner adds them under Connectors; "
                    + "then you connect under Your connectors.");
            empty.setId("menu-no-connectors");
            menuContent.add(empty);
            return;
        }
        VerticalLayout rows = new VerticalLayout();
        rows.setId("conversation-connectors");
        rows.setPadding(false);
        for (ConversationConnector c : list) {
            rows.add(connectorRow(c));
        }
        menuContent.add(rows, muted("Switched on here only; other conversations keep their own choice."));
    }

    private HorizontalLayout connectorRow(ConversationConnector c) {
        Span name = new Span(c.name());
        name.addClassName("console-connector-row-name");
        HorizontalLayout row = new HorizontalLayout(name);
        row.setWidthFull();
        row.setAlignItems(FlexComponent.Alignment.CENTER);
        row.getElement().setAttribute("data-connector", c.connectorId().toString());
        if (c.usable()) {
            Checkbox toggle = new Checkbox(c.enabled() ? "On" : "Off");
            toggle.setId("toggle-" + c.connectorId());
            toggle.setValue(c.enabled());
            toggle.setAriaLabel("Use " + c.name() + " in this conversation");
            toggle.addClassName("console-switch");
            toggle.addValueChangeListener(e -> {
                if (!e.isFromClient()) {
                    return;
                }
                try {
                    conversations.setEnabled(conversation.id(), c.connectorId(), e.getValue());
                    toggle.setLabel(e.getValue() ? "On" : "Off");
                    loadTools();
                } catch (AccessDeniedException | NotFoundException ex) {
                    Notices.error(ex.getMessage());
                    showConnectorsMenu();
                }
            });
            row.add(toggle);
            row.setFlexGrow(1, name);
        } else {
            Button connect = new Button(c.state() == org.connectorconsole.connection.MemberConnector.State.NOT_CONNECTED
                    ? "Connect" : "Reconnect");
            connect.setId("connect-" + c.connectorId());
            connect.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_PRIMARY);
            connect.addClickListener(e -> connect(c, connect));
            row.add(connect);
            row.setFlexGrow(1, name);
        }
        return row;
    }

    private void connect(ConversationConnector c, Button button) {
        button.setEnabled(false);
        button.setText("Opening sign-in…");
        UI current = UI.getCurrent();
        String here = "/conversations/" + conversation.id();
        try {
            connections.connectInBackground(c.connectorId(), here, start -> push(current, () -> {
                if (start.needsBrowser()) {
                    current.getPage().setLocation(start.authorizationUrl());
                } else {
                    Notices.success(c.name() + " needs no sign-in.");
                    showConnectorsMenu();
                }
            }), failure -> push(current, () -> {
                button.setEnabled(true);
                button.setText("Connect");
                Notices.error(failure);
            }));
        } catch (RuntimeException e) {
            Notices.error(e.getMessage());
            showConnectorsMenu();
        }
    }

    // ------------------------------------------------------------------ tools

    private void loadTools() {
        tools.removeAll();
        ProgressBar bar = new ProgressBar();
        bar.setIndeterminate(true);
        bar.setWidth("12rem");
        Span loading = new Span("Asking the switched-on connectors for their tools…");
        loading.addClassName("console-muted");
        tools.add(new HorizontalLayout(bar, loading));
        UI current = ui == null ? UI.getCurrent() : ui;
        conversations.tools(conversation.id(), board -> push(current, () -> showTools(board)));
    }

    private void showTools(ToolBoard board) {
        tools.removeAll();
        for (ToolBoard.Problem problem : board.problems()) {
            Paragraph p = new Paragraph(problem.message() + (problem.reconnect()
                    ? " Use + › Connectors to connect again." : ""));
            p.addClassName("console-connection-reason");
            tools.add(p);
        }
        if (board.tools().isEmpty()) {
            if (board.problems().isEmpty()) {
                Div empty = new Div(new H3("No connectors switched on"), new Paragraph("Use the + button at the "
                        + "bottom left, then Connectors, to switch on a connector for this conversation. Its tools "
                        + "appear here."));
                empty.setId("no-tools");
                empty.addClassName("console-empty");
                tools.add(empty);
            }
            return;
        }
        toolIds.clear();
        Div grid = new Div();
        grid.addClassName("console-tool-grid");
        for (ConversationTool tool : board.tools()) {
            grid.add(toolCard(tool));
        }
        tools.add(grid);
    }

    private Div toolCard(ConversationTool tool) {
        Span name = new Span(VisibleText.escape(tool.label()));
        name.addClassName("console-tool-name");
        Span connector = new Span(tool.connectorName());
        connector.getElement().getThemeList().add("badge small pill contrast");
        HorizontalLayout head = new HorizontalLayout(name, connector);
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
        card.addClickListener(e -> openTool(tool));
        return card;
    }

    private void openTool(ConversationTool tool) {
        ToolRunDialog dialog = new ToolRunDialog(tool, d -> start(tool, d, null));
        dialog.open();
    }

    private void start(ConversationTool tool, ToolRunDialog dialog, String confirmed) {
        String arguments = dialog.argumentsJson();
        UI current = UI.getCurrent();
        UUID[] callId = new UUID[1];
        ToolCallListener listener = new ToolCallListener() {
            @Override
            public void progress(McpToolSession.Progress progress) {
                push(current, () -> showProgress(callId[0], progress));
            }

            @Override
            public void finished(ToolCallEntry entry) {
                push(current, () -> showFinished(entry));
            }
        };
        try {
            dialog.running(true);
            RunningCall call = conversations.start(new ToolCallRequest(conversation.id(),
                    tool.connectorId(), tool.name(), arguments, confirmed), listener);
            callId[0] = call.entry().id();
            dialog.close();
            Div card = runningCard(call.entry(), call::cancel);
            if (!runningCards.containsKey(call.entry().id())) {
                runningCards.put(call.entry().id(), card);
                removeEmptyHistory();
                history.add(card);
                card.scrollIntoView();
            }
        } catch (ApprovalRequiredException e) {
            dialog.running(false);
            confirm(tool, dialog, arguments, e);
        } catch (ValidationException e) {
            dialog.running(false);
            dialog.showProblem(e.getMessage());
        } catch (ToolRefusedException | AccessDeniedException | NotFoundException e) {
            dialog.close();
            Notices.error(e.getMessage());
            showHistory();
            loadTools();
        }
    }

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

    // ------------------------------------------------------------------ history

    private void showHistory() {
        history.removeAll();
        runningCards.clear();
        ListPage<ToolCallEntry> latest = conversations.history(conversation.id(), null, ConversationService.HISTORY);
        if (latest.items().isEmpty()) {
            Paragraph empty = muted("No tool calls yet. Choose a tool above to run it; its result stays here.");
            empty.setId("no-history");
            history.add(empty);
            return;
        }
        showEarlier(latest);
    }

    /** Puts a page of calls above those shown, with "Show earlier calls" above them while there are more. */
    private void showEarlier(ListPage<ToolCallEntry> page) {
        history.getChildren().filter(c -> c.getId().map("earlier-calls"::equals).orElse(false)).toList()
                .forEach(history::remove);
        List<com.vaadin.flow.component.Component> cards = new java.util.ArrayList<>();
        if (page.hasMore()) {
            ToolCallEntry oldest = page.items().getFirst();
            Button earlier = new Button("Show earlier calls", e -> showEarlier(
                    conversations.history(conversation.id(), oldest, ConversationService.HISTORY)));
            earlier.setId("earlier-calls");
            earlier.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            cards.add(earlier);
        }
        for (ToolCallEntry entry : page.items()) {
            cards.add(entry.status() == ToolCallStatus.RUNNING ? follow(entry) : entryCard(entry));
        }
        for (int i = cards.size() - 1; i >= 0; i--) {
            history.addComponentAsFirst(cards.get(i));
        }
    }

    /** A call still running (started before a reload, or in another tab): its progress, its end, Cancel. */
    private Div follow(ToolCallEntry entry) {
        Div card = runningCard(entry, () -> conversations.cancel(entry.id()));
        runningCards.put(entry.id(), card);
        UI current = ui == null ? UI.getCurrent() : ui;
        boolean here = conversations.watch(entry.id(), new ToolCallListener() {
            @Override
            public void progress(McpToolSession.Progress progress) {
                push(current, () -> showProgress(entry.id(), progress));
            }

            @Override
            public void finished(ToolCallEntry done) {
                push(current, () -> showFinished(done));
            }
        });
        if (!here) {
            card.getChildren().filter(HorizontalLayout.class::isInstance).findFirst().ifPresent(card::remove);
            card.add(muted("Running on another console instance, or left behind by a restart (then it is marked "
                    + "failed when that instance starts). Reload to see its outcome."));
        }
        return card;
    }

    private void removeEmptyHistory() {
        history.getChildren().filter(c -> c.getId().map("no-history"::equals).orElse(false)).toList()
                .forEach(history::remove);
    }

    private Div runningCard(ToolCallEntry entry, Runnable cancelCall) {
        Div card = entryHead(entry);
        ProgressBar bar = new ProgressBar();
        bar.setIndeterminate(true);
        bar.addClassName("console-call-progress");
        Span progressText = new Span("Running… (the console waits up to " + conversations.callTimeout().toSeconds()
                + " s)");
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

    private void showProgress(UUID callId, McpToolSession.Progress progress) {
        Div card = callId == null ? null : runningCards.get(callId);
        if (card == null) {
            return;
        }
        card.getChildren().forEach(child -> {
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
        card.getChildren().filter(HorizontalLayout.class::isInstance).findFirst().ifPresent(row -> row.getChildren()
                .filter(Span.class::isInstance).findFirst().ifPresent(span -> ((Span) span).setText(shown)));
    }

    private void showFinished(ToolCallEntry entry) {
        Div fresh = entryCard(entry);
        Div old = runningCards.remove(entry.id());
        if (old != null && old.getParent().isPresent()) {
            history.replace(old, fresh);
        } else {
            removeEmptyHistory();
            history.add(fresh);
        }
        if (entry.status() == ToolCallStatus.REFUSED) {
            loadTools();
        }
    }

    private Div entryHead(ToolCallEntry entry) {
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
        Span when = new Span(TimeTexts.ago(entry.startedAt()) + (entry.durationMs() == null ? ""
                : " · " + duration(entry.durationMs())));
        when.addClassName("console-muted");
        when.addClassName("console-call-duration");
        HorizontalLayout head = new HorizontalLayout(name, connector, status, when);
        head.setAlignItems(FlexComponent.Alignment.CENTER);
        head.setSpacing(true);
        Div card = new Div(head);
        card.addClassName("console-call-card");
        card.setId("call-" + entry.id());
        card.getElement().setAttribute("data-status", entry.status().name());
        Details arguments = new Details("Arguments", pre(pretty(entry.argumentsJson())));
        arguments.addClassName("console-call-arguments");
        card.add(arguments);
        return card;
    }

    private Div entryCard(ToolCallEntry entry) {
        Div card = entryHead(entry);
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

    /** One part of a result, as text (never markup), pretty JSON, or a raster image. */
    private static com.vaadin.flow.component.Component part(ToolOutcome.Part part) {
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

    // ------------------------------------------------------------------ title

    private void rename() {
        TextField field = new TextField("Title");
        field.setValue(conversation.title());
        field.setWidthFull();
        field.setMaxLength(ConversationService.MAX_TITLE);
        field.setId("conversation-title-field");
        com.vaadin.flow.component.dialog.Dialog dialog = new com.vaadin.flow.component.dialog.Dialog();
        dialog.setHeaderTitle("Rename conversation");
        dialog.add(field);
        Button save = new Button("Save", e -> {
            try {
                conversation = conversations.rename(conversation.id(), field.getValue(), conversation.version());
                title.setText(conversation.title());
                dialog.close();
            } catch (ValidationException | ConflictException ex) {
                field.setInvalid(true);
                field.setErrorMessage(ex.getMessage());
            }
        });
        save.setId("save-title");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private void confirmDelete() {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setHeader("Delete " + conversation.title() + "?");
        dialog.setText("Its history of tool calls is deleted. The audit log keeps its record of them.");
        dialog.setCancelable(true);
        dialog.setConfirmText("Delete");
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(e -> {
            conversations.delete(conversation.id());
            getUI().ifPresent(u -> u.navigate(ConversationsView.class));
        });
        dialog.open();
    }

    // ------------------------------------------------------------------ helpers

    private static Pre pre(String text) {
        Pre pre = new Pre(text == null ? "" : text);
        pre.addClassName("console-json");
        return pre;
    }

    private static String pretty(String json) {
        if (json == null) {
            return "";
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readValue(json, Object.class));
        } catch (JacksonException e) {
            return json;
        }
    }

    private static Paragraph muted(String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName("console-muted");
        return p;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String duration(long millis) {
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static void push(UI target, Runnable change) {
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
