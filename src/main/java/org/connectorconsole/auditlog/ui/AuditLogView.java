package org.connectorconsole.auditlog.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import jakarta.annotation.security.RolesAllowed;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.connectorconsole.base.ui.Confirmations;
import org.connectorconsole.base.Addresses;
import org.connectorconsole.audit.AuditEvent;
import org.connectorconsole.audit.AuditExportFormat;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.audit.AuditTarget;
import org.connectorconsole.audit.AuditVerifier;
import org.connectorconsole.auditlog.ApiTokenService;
import org.connectorconsole.auditlog.AuditLogService;
import org.connectorconsole.auditlog.internal.ApiTokenRepository.StoredToken;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.ui.NewTokenDialog;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.base.ui.UiErrorHandling;
import org.connectorconsole.security.Authorities;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;

/**
 * Organization settings › Audit log: every event of the organization, newest first, filtered and searched,
 * paged by keyset (as fast on page 20,000 as on page 1); exports of the current filter as CSV or JSON Lines,
 * streamed, with progress; a check of the hash chain; and the API tokens compliance tools export with.
 */
@Route("organization/audit")
@PageTitle("Audit log · Connector Console")
@Menu(title = "Audit log", order = 60, icon = "vaadin:records")
@RolesAllowed(Authorities.OWNER)
class AuditLogView extends VerticalLayout {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final AuditLogService auditLog;
    private final ApiTokenService tokens;
    private final DateTimePicker from = new DateTimePicker("From (UTC)");
    private final DateTimePicker to = new DateTimePicker("To (UTC)");
    private final ComboBox<String> action = new ComboBox<>("Action");
    private final TextField actor = new TextField("Actor");
    private final ComboBox<AuditTarget> connector = new ComboBox<>("Connector");
    private final ComboBox<AuditTarget> member = new ComboBox<>("Member");
    private final TextField search = new TextField("Search");
    private final Grid<AuditEvent> grid = new Grid<>(AuditEvent.class, false);
    private final Div empty = new Div();
    private final Button newer = new Button("Newer", VaadinIcon.ANGLE_LEFT.create());
    private final Button older = new Button("Older", VaadinIcon.ANGLE_RIGHT.create());
    private final Span pageInfo = new Span();
    private final Span status = new Span();
    private final Grid<StoredToken> tokenGrid = new Grid<>(StoredToken.class, false);
    private final Deque<Long> previousCursors = new ArrayDeque<>();
    private AuditQuery query = AuditQuery.ALL;
    private Long cursor;
    private Long nextCursor;

    AuditLogView(AuditLogService auditLog, ApiTokenService tokens, CurrentMember currentMember) {
        this.auditLog = auditLog;
        this.tokens = tokens;
        Member me = currentMember.requireOwner();
        PageParts.page(this, "90rem");
        Span trail = PageParts.trail(me.plan().isOrganization() ? "Organization settings" : "Settings");
        Paragraph lead = PageParts.lead("Every change in " + me.orgName() + ", newest first. Events cannot be changed "
                + "or deleted, and each carries the hash of the one before it: Verify checks that chain.");
        add(trail, new H2("Audit log"), lead, filters(), actions(), grid, empty, pager(), tokenSection());

        grid.setId("audit-events");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(e -> TIME.format(e.occurredAt())).setHeader("Time").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditEvent::actorLabel).setHeader("Actor").setFlexGrow(1).setResizable(true).setWidth("12rem")
                .setTooltipGenerator(AuditEvent::actorLabel);
        grid.addColumn(AuditEvent::action).setHeader("Action").setAutoWidth(true);
        grid.addColumn(e -> e.targetType() == null ? "" : e.targetType() + ": "
                + (e.targetLabel() == null ? e.targetId() : e.targetLabel())).setHeader("Target").setFlexGrow(1)
                .setResizable(true).setWidth("12rem")
                .setTooltipGenerator(e -> e.targetId() == null ? "" : e.targetType() + " " + e.targetId());
        grid.addColumn(AuditLogView::details).setHeader("Details").setFlexGrow(2).setResizable(true).setWidth("18rem")
                .setTooltipGenerator(AuditLogView::details);
        grid.addColumn(e -> e.clientAddress() == null ? "" : Addresses.compact(e.clientAddress())).setHeader("Address")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditEvent::seq).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        grid.setAllRowsVisible(true);
        empty.setId("audit-empty");
        empty.addClassName("console-empty");
        empty.add(new H3("No events match this filter"), new Paragraph("Widen the time range or clear the filter."));

        // actions come from the catalogue; the other lists scan the organization's log: filled when first opened
        loadOnFirstOpen(action, auditLog::actions, a -> a);
        connector.setItemLabelGenerator(AuditTarget::label);
        loadOnFirstOpen(connector, auditLog::connectors, AuditTarget::label);
        member.setItemLabelGenerator(AuditTarget::label);
        loadOnFirstOpen(member, auditLog::members, AuditTarget::label);
        load(null);
        refreshTokens();
    }

    /** Lazy items: the combo box asks for them only when opened (or typed in), and they are read once. */
    private static <T> void loadOnFirstOpen(ComboBox<T> box, java.util.function.Supplier<java.util.List<T>> items,
            java.util.function.Function<T, String> label) {
        @SuppressWarnings("unchecked")
        java.util.List<T>[] cache = new java.util.List[1];
        box.setItems(query -> {
            if (cache[0] == null) {
                cache[0] = items.get();
            }
            String filter = query.getFilter().orElse("").toLowerCase(java.util.Locale.ROOT);
            return cache[0].stream()
                    .filter(item -> label.apply(item).toLowerCase(java.util.Locale.ROOT).contains(filter))
                    .skip(query.getOffset()).limit(query.getLimit());
        });
    }

    private FlexLayout filters() {
        for (DateTimePicker picker : new DateTimePicker[] {from, to}) {
            picker.setStep(java.time.Duration.ofMinutes(15));
        }
        from.setId("filter-from");
        to.setId("filter-to");
        action.setId("filter-action");
        action.setClearButtonVisible(true);
        actor.setId("filter-actor");
        actor.setPlaceholder("e-mail address");
        actor.setClearButtonVisible(true);
        connector.setId("filter-connector");
        connector.setClearButtonVisible(true);
        member.setId("filter-member");
        member.setClearButtonVisible(true);
        search.setId("filter-search");
        search.setPlaceholder("any text");
        search.setClearButtonVisible(true);
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.addKeyPressListener(com.vaadin.flow.component.Key.ENTER, e -> apply());
        Button apply = new Button("Apply", e -> apply());
        apply.setId("filter-apply");
        apply.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button clear = new Button("Clear", e -> {
            from.clear();
            to.clear();
            action.clear();
            actor.clear();
            connector.clear();
            member.clear();
            search.clear();
            apply();
        });
        FlexLayout bar = new FlexLayout(from, to, action, actor, connector, member, search, apply, clear);
        bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.addClassName("console-filter-bar");
        return bar;
    }

    private HorizontalLayout actions() {
        Anchor csv = new Anchor(download(AuditExportFormat.CSV), "");
        csv.add(new Button("Export CSV", VaadinIcon.DOWNLOAD.create()));
        csv.setId("export-csv");
        Anchor jsonl = new Anchor(download(AuditExportFormat.JSONL), "");
        jsonl.add(new Button("Export JSON Lines", VaadinIcon.DOWNLOAD.create()));
        jsonl.setId("export-jsonl");
        Button verify = new Button("Verify chain", VaadinIcon.CHECK_CIRCLE_O.create(), e -> verify());
        verify.setId("verify-chain");
        status.setId("audit-status");
        status.addClassName("console-muted");
        HorizontalLayout bar = new HorizontalLayout(csv, jsonl, verify, status);
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        return bar;
    }

    /** Streams the current filter as a download; progress shows in the view while it runs. */
    private DownloadHandler download(AuditExportFormat format) {
        return event -> {
            AuditQuery current = query;
            UI target = event.getUI();
            event.setFileName("audit-log-" + TIME.format(Instant.now()).replaceAll("[^0-9]", "").substring(0, 14)
                    + "." + format.extension());
            event.setContentType(format.contentType());
            long[] last = {0};
            java.io.BufferedOutputStream out = new java.io.BufferedOutputStream(event.getOutputStream(), 1 << 16);
            try {
                long rows = auditLog.export(current, format, out, written -> {
                    if (written - last[0] >= 10_000 || written == 0) {
                        last[0] = written;
                        show(target, "Exporting… " + String.format("%,d", written) + " events");
                    }
                });
                out.flush();
                show(target, "Exported " + String.format("%,d", rows) + (rows == 1 ? " event as " : " events as ")
                        + format.extension().toUpperCase() + ".");
            } catch (RuntimeException e) {
                show(target, "The export stopped: " + UiErrorHandling.messageFor(e));
                throw e;
            }
        };
    }

    /** Progress from the download's thread; a closed tab must not break the download. */
    private void show(UI target, String text) {
        try {
            target.access(() -> status.setText(text));
        } catch (com.vaadin.flow.component.UIDetachedException e) {
            // the person left the page; the file still arrives
        }
    }

    private void verify() {
        status.setText("Verifying the chain…");
        UI current = UI.getCurrent();
        org.springframework.security.core.context.SecurityContext context =
                org.springframework.security.core.context.SecurityContextHolder.getContext();
        Thread.startVirtualThread(() -> {
            org.springframework.security.core.context.SecurityContextHolder.setContext(context);
            try {
                AuditVerifier.Result result = auditLog.verify();
                current.access(() -> {
                    status.setText(result.describe());
                    if (result.intact()) {
                        Notices.success(result.describe());
                    } else {
                        Notices.error(result.describe());
                    }
                    previousCursors.clear();
                    load(null);
                });
            } catch (RuntimeException e) {
                current.access(() -> status.setText("The check could not run: " + UiErrorHandling.messageFor(e)));
            } finally {
                org.springframework.security.core.context.SecurityContextHolder.clearContext();
            }
        });
    }

    private void apply() {
        FieldErrors.clear(to, actor, search);
        Instant start = from.getValue() == null ? null : from.getValue().toInstant(ZoneOffset.UTC);
        Instant end = to.getValue() == null ? null : to.getValue().toInstant(ZoneOffset.UTC);
        AuditQuery candidate = new AuditQuery(start, end, actor.getValue(), action.getValue(),
                connector.getValue() == null ? null : connector.getValue().id(),
                member.getValue() == null ? null : UUID.fromString(member.getValue().id()), search.getValue());
        try {
            candidate.validated();
        } catch (ValidationException e) {
            FieldErrors.show(e, Map.of("to", to, "actor", actor, "text", search));
            return;
        }
        query = candidate;
        previousCursors.clear();
        load(null);
    }

    private void load(Long before) {
        AuditLogService.Page page = auditLog.page(query, before);
        cursor = before;
        nextCursor = page.nextBeforeSeq();
        grid.setItems(page.events());
        grid.setVisible(!page.events().isEmpty());
        empty.setVisible(page.events().isEmpty());
        older.setEnabled(nextCursor != null);
        newer.setEnabled(!previousCursors.isEmpty());
        pageInfo.setText(page.events().isEmpty() ? "" : "Events #" + page.events().getFirst().seq() + " to #"
                + page.events().getLast().seq() + ", newest first");
    }

    private HorizontalLayout pager() {
        newer.setId("page-newer");
        older.setId("page-older");
        older.setIconAfterText(true);
        newer.addClickListener(e -> {
            long previous = previousCursors.pop();
            load(previous < 0 ? null : previous);
        });
        older.addClickListener(e -> {
            previousCursors.push(cursor == null ? -1L : cursor);
            load(nextCursor);
        });
        HorizontalLayout pager = new HorizontalLayout(newer, pageInfo, older);
        pager.setAlignItems(FlexComponent.Alignment.CENTER);
        return pager;
    }

    private VerticalLayout tokenSection() {
        Paragraph about = new Paragraph("Compliance tools export the log over HTTP with a token: GET "
                + "/api/audit/export?format=csv|jsonl&from=…&to=… with the header Authorization: Bearer <token>. "
                + "A token can only export this organization's audit log; it is shown once.");
        about.addClassName("console-muted");
        tokenGrid.setId("api-tokens");
        tokenGrid.setAllRowsVisible(true);
        tokenGrid.addColumn(StoredToken::name).setHeader("Name");
        tokenGrid.addColumn(StoredToken::scope).setHeader("Scope").setAutoWidth(true);
        tokenGrid.addColumn(t -> TIME.format(t.createdAt())).setHeader("Created").setAutoWidth(true);
        tokenGrid.addColumn(t -> t.lastUsedAt() == null ? "never" : TIME.format(t.lastUsedAt())).setHeader("Last used")
                .setAutoWidth(true);
        tokenGrid.addComponentColumn(t -> {
            if (!t.active()) {
                Span revoked = new Span("Revoked");
                revoked.getElement().getThemeList().add("badge contrast small pill");
                return revoked;
            }
            Button revoke = new Button("Revoke", e -> Confirmations.confirm("Revoke \u201c" + t.name() + "\u201d?",
                    "Tools exporting the audit log with this token are refused from then on. This cannot be undone.",
                    "Revoke", () -> {
                        tokens.revoke(t.id());
                        Notices.success("The token \u201c" + t.name() + "\u201d is revoked; tools using it are refused "
                                + "now.");
                        refreshTokens();
                    }));
            revoke.setId("revoke-token-" + t.id());
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            return revoke;
        }).setHeader("").setAutoWidth(true);
        Button create = new Button("New API token", VaadinIcon.KEY.create(), e -> openNewToken());
        create.setId("new-token");
        VerticalLayout section = new VerticalLayout(new H3("API tokens"), about, tokenGrid, create);
        section.setPadding(false);
        return section;
    }

    private void refreshTokens() {
        var list = tokens.list();
        tokenGrid.setItems(list);
        tokenGrid.setVisible(!list.isEmpty());
    }

    private void openNewToken() {
        NewTokenDialog.open("New API token", "token", "e.g. SIEM export", Map.<String, TextField>of(),
                name -> tokens.create(name).secret(), "Store it in the tool's secret store. The console keeps only a "
                        + "hash and cannot show it again; if it is lost, revoke it and create another.",
                this::refreshTokens);
    }

    private static String details(AuditEvent e) {
        return e.details().entrySet().stream().map(d -> d.getKey() + "=" + d.getValue())
                .collect(Collectors.joining(", "));
    }
}
