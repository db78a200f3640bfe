package org.connectorconsole.conversation;

import org.connectorconsole.base.ConsoleMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.ConnectorUnavailableException;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.connector.ToolDefinition;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.conversation.internal.ConversationRepository;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolCallException;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conversations: a member's own workspaces, the connectors switched on in each, and tool calls through the
 * member's own connection. Every method acts for the signed-in member on their own conversations only (another
 * member's conversation is "not found"), and enforces the owners' rules on the server: a blocked tool, a tool held
 * for review or changed since it was pinned, a connector switched off (here or by an owner) cannot be called,
 * whatever the request says. No network call runs on the caller's thread or inside a transaction.
 */
@Service
public class ConversationService implements DisposableBean {

    public static final int MAX_TITLE = 200;
    public static final int RECENT = 50;
    public static final int HISTORY = 50;
    /** Calls one member may have running at once (so nobody takes every slot of an instance). */
    public static final int MAX_RUNNING_PER_MEMBER = 4;
    public static final int MAX_ARGUMENTS_BYTES = 256 * 1024;
    /** A result larger than this is kept shortened in the history (the member is told). */
    public static final int MAX_RESULT_BYTES = 512 * 1024;
    /** Full payloads in the audit log (when an owner enables it) are cut at this size. */
    public static final int MAX_AUDIT_PAYLOAD = 16 * 1024;
    private static final Logger log = LoggerFactory.getLogger(ConversationService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /** What a caller hears about a call while it runs and when it ends (on a background thread). */
    public interface CallListener {
        void progress(McpToolSession.Progress progress);

        void finished(ToolCallEntry entry);
    }

    /** A call in progress: its history entry (status RUNNING) and a way to cancel it. */
    public record RunningCall(ToolCallEntry entry, Runnable canceller) {
        public void cancel() {
            canceller.run();
        }
    }

    private final CurrentMember currentMember;
    private final ConversationRepository repository;
    private final ConnectionService connections;
    private final ConnectorDirectory connectors;
    private final ToolCatalog catalog;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration callTimeout;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    /** Bounds the calls and listings in flight on this instance, so a flood cannot exhaust the machine. */
    private final Semaphore slots;
    private final Map<UUID, McpToolSession> running = new ConcurrentHashMap<>();
    /** Who else listens to a running call (a reloaded page, another tab), by call. */
    private final Map<UUID, List<CallListener>> watchers = new ConcurrentHashMap<>();
    private final Map<UUID, Runnable> cancellers = new ConcurrentHashMap<>();
    private final Map<org.connectorconsole.base.UserId, java.util.concurrent.atomic.AtomicInteger> perMember =
            new ConcurrentHashMap<>();

    ConversationService(CurrentMember currentMember, ConversationRepository repository,
            ConnectionService connections, ConnectorDirectory connectors, ToolCatalog catalog, AuditService audit,
            TransactionTemplate tx, Clock clock,
            @Value("${console.tools.call-timeout:120s}") Duration callTimeout,
            @Value("${console.tools.max-concurrent:64}") int maxConcurrent) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.connections = connections;
        this.connectors = connectors;
        this.catalog = catalog;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.callTimeout = callTimeout;
        this.slots = new Semaphore(maxConcurrent);
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    // ------------------------------------------------------------------ conversations

    /** The member's most recent conversations, last used first. */
    public List<Conversation> recent() {
        return tx.execute(s -> {
            Member member = currentMember.require();
            return repository.recent(member.orgId(), member.userId(), RECENT);
        });
    }

    public Conversation create(String title) {
        String clean = title(title);
        return tx.execute(s -> {
            Member member = currentMember.require();
            ConversationId id = ConversationId.random();
            repository.insert(member.orgId(), member.userId(), id, clean, now());
            return repository.find(member.orgId(), member.userId(), id).orElseThrow();
        });
    }

    public Conversation get(ConversationId id) {
        return tx.execute(s -> {
            Member member = currentMember.require();
            return repository.find(member.orgId(), member.userId(), id).orElseThrow(ConversationService::notFound);
        });
    }

    public Conversation rename(ConversationId id, String title, int version) {
        String clean = title(title);
        return tx.execute(s -> {
            Member member = currentMember.require();
            repository.find(member.orgId(), member.userId(), id).orElseThrow(ConversationService::notFound);
            if (!repository.rename(member.orgId(), member.userId(), id, clean, version, now())) {
                throw new ConflictException("This conversation was changed elsewhere since you opened it. Nothing "
                        + "was saved: reload to see the change.");
            }
            return repository.find(member.orgId(), member.userId(), id).orElseThrow();
        });
    }

    /** Deletes the conversation and its history (the audit log keeps its events). */
    public void delete(ConversationId id) {
        tx.executeWithoutResult(s -> {
            Member member = currentMember.require();
            if (!repository.delete(member.orgId(), member.userId(), id)) {
                throw notFound();
            }
        });
    }

    // ------------------------------------------------------------------ connectors per conversation

    /** Whether the member's plan has connectors at all (Free does not). */
    public boolean connectorsAvailable() {
        return tx.execute(s -> currentMember.require().plan().allowsCustomConnectors());
    }

    /**
     * The connectors the member may use in this conversation (their organisation's, switched on by its owners),
     * with the member's own state and whether each is switched on here.
     */
    public List<ConversationConnector> connectors(ConversationId id) {
        Member member = tx.execute(s -> currentMember.require());
        Set<ConnectorId> enabled = tx.execute(s -> {
            requireConversation(member, id);
            return repository.enabledConnectors(id);
        });
        if (!member.plan().allowsCustomConnectors()) {
            return List.of();
        }
        List<ConversationConnector> out = new ArrayList<>();
        for (MemberConnector c : connections.list()) {
            out.add(new ConversationConnector(c.id(), c.name(), c.state(), c.reason(), enabled.contains(c.id())));
        }
        return out;
    }

    /**
     * Switches a connector on or off for this conversation only, at once. Switching on needs a usable connection
     * (connected, or a server without sign-in); switching off always works.
     */
    public void setEnabled(ConversationId id, ConnectorId connectorId, boolean enabled) {
        Member member = tx.execute(s -> currentMember.require());
        requirePaidPlan(member);
        ConversationConnector connector = null;
        if (enabled) {
            requireConversationOf(member, id);
            connector = connectors(id).stream().filter(c -> c.connectorId().equals(connectorId)).findFirst()
                    .orElseThrow(() -> new NotFoundException("This connector does not exist or is turned off by an "
                            + "owner of " + member.orgName() + "."));
            if (!connector.usable()) {
                throw new AccessDeniedException("Connect to " + connector.name() + " first; then switch it on here.");
            }
        }
        String name = connector != null ? connector.name() : connectors.find(member.orgId(), connectorId)
                .map(t -> t.connector().name()).orElse(null);
        tx.executeWithoutResult(s -> {
            Conversation conversation = repository.lock(member.orgId(), member.userId(), id)
                    .orElseThrow(ConversationService::notFound);
            if (name == null && enabled) {
                throw new NotFoundException("This connector does not exist (it may have been removed).");
            }
            if (repository.setEnabled(member.orgId(), id, connectorId, enabled, now())) {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("conversation", id.toString());
                details.put("conversationTitle", conversation.title());
                audit.record(AuditRecord.of(member.orgId(), member.actor(), enabled
                        ? "conversation.connector_enabled" : "conversation.connector_disabled")
                        .target("connector", connectorId.toString(), name == null ? "(removed)" : name)
                        .details(details));
            }
        });
    }

    // ------------------------------------------------------------------ tools

    /** Lists the tools of the switched-on connectors from their servers, in the background. */
    public void tools(ConversationId id, Consumer<ToolBoard> onDone) {
        Member member = tx.execute(s -> currentMember.require());
        requireConversationOf(member, id);
        background.execute(() -> {
            ToolBoard board;
            try {
                board = toolBoard(member, id);
            } catch (RuntimeException e) {
                log.error("Listing the tools of conversation {} failed unexpectedly", id, e);
                board = new ToolBoard(List.of(), List.of(new ToolBoard.Problem("", "Listing the tools failed. "
                        + "Reload the page; if it keeps failing, tell an owner.", false)));
            }
            onDone.accept(board);
        });
    }

    /** The same, on the calling thread (tests). */
    public ToolBoard toolsNow(ConversationId id) {
        Member member = tx.execute(s -> currentMember.require());
        requireConversationOf(member, id);
        return toolBoard(member, id);
    }

    private ToolBoard toolBoard(Member member, ConversationId id) {
        if (!member.plan().allowsCustomConnectors()) {
            return new ToolBoard(List.of(), List.of());
        }
        Set<ConnectorId> enabled = tx.execute(s -> repository.enabledConnectors(id));
        List<ConversationTool> tools = new ArrayList<>();
        List<ToolBoard.Problem> problems = new ArrayList<>();
        for (ConnectorId connectorId : enabled) {
            Connector connector = connectors.find(member.orgId(), connectorId).map(ConnectorDirectory.Target::connector)
                    .orElse(null);
            if (connector == null) {
                continue;
            }
            if (!connector.enabled()) {
                problems.add(new ToolBoard.Problem(connector.name(), connector.name() + " is turned off by an owner "
                        + "of " + member.orgName() + ".", false));
                continue;
            }
            try (McpToolSession session = open(member, connectorId)) {
                McpToolSession.ToolListing listing = session.listTools();
                Map<String, ConnectorTool> standing = catalog.reconcile(member.orgId(), connectorId,
                        listing.tools(), member.actor());
                for (ToolInfo tool : ToolCatalog.usable(listing.tools())) {
                    ConnectorTool row = standing.get(tool.name());
                    String refusal = row == null ? "This tool is not available." : row.refusal(ToolDefinition.of(tool));
                    tools.add(new ConversationTool(connectorId, connector.name(), tool.name(), tool.title(),
                            tool.description(), tool.inputSchemaJson(), row == null ? null : row.policy(), refusal));
                }
                if (listing.truncated()) {
                    problems.add(new ToolBoard.Problem(connector.name(), connector.name() + " offers more tools than "
                            + "the console lists; only the first " + listing.tools().size() + " are shown.", false));
                }
            } catch (ConnectorUnavailableException e) {
                problems.add(new ToolBoard.Problem(connector.name(), e.getMessage(), e.reconnect()));
            } catch (McpAuthorizationException e) {
                problems.add(new ToolBoard.Problem(connector.name(), connections.refusedDuringUse(member, connectorId,
                        e), true));
            } catch (McpProbeException e) {
                problems.add(new ToolBoard.Problem(connector.name(), connector.name() + " could not list its tools: "
                        + e.getMessage(), false));
            } catch (AccessDeniedException | NotFoundException e) {
                problems.add(new ToolBoard.Problem(connector.name(), e.getMessage(), false));
            }
        }
        return new ToolBoard(tools, problems);
    }

    private McpToolSession open(Member member, ConnectorId connectorId) throws ConnectorUnavailableException {
        if (!slots.tryAcquire()) {
            throw new ConnectorUnavailableException("The console is busy with many tool calls; try again in a "
                    + "moment.", false);
        }
        try {
            return connections.openSession(member, connectorId, callTimeout).whenClosed(slots::release);
        } catch (ConnectorUnavailableException | RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    // ------------------------------------------------------------------ calls

    /** The conversation's last {@value #HISTORY} calls, oldest first. */
    public List<ToolCallEntry> history(ConversationId id) {
        return history(id, null, HISTORY).items();
    }

    /**
     * Up to {@code limit} calls of the conversation started before {@code before} (the oldest one shown, or null
     * for the latest), oldest first, and whether earlier ones exist. A limit outside 1–{@value ListPage#MAX_LIMIT}
     * is refused with a message.
     */
    public ListPage<ToolCallEntry> history(ConversationId id, ToolCallEntry before, int limit) {
        return tx.execute(s -> {
            Member member = currentMember.require();
            requireConversation(member, id);
            ListPage<ToolCallEntry> newestFirst = ListPage.of(repository.history(member.orgId(), member.userId(),
                    id, before, ListPage.checkLimit(limit)), limit);
            return new ListPage<>(newestFirst.items().reversed(), newestFirst.hasMore());
        });
    }

    /**
     * Starts a tool call. Checked here, before anything is sent: the conversation is the member's, the connector
     * is switched on in it (and by its owners), the tool is known, not blocked and not held for review, the
     * arguments are a JSON object that matches the pinned input schema, and a tool that needs approval carries
     * the member's confirmation of exactly these arguments ({@link ApprovalRequiredException} otherwise). Then, in
     * the background, the server's current definition must still match the pinned one before the call is made.
     *
     * @throws ValidationException the arguments are not valid; nothing recorded
     * @throws ToolRefusedException refused by the owners' rules; recorded in the history and the audit log
     */
    public RunningCall start(ToolCallRequest request, CallListener listener) {
        Member member = tx.execute(s -> currentMember.require());
        requirePaidPlan(member);
        Conversation conversation = requireConversationOf(member, request.conversationId());
        Connector connector = connectors.find(member.orgId(), request.connectorId())
                .map(ConnectorDirectory.Target::connector)
                .orElseThrow(() -> new NotFoundException("This connector does not exist (it may have been removed)."));
        Map<String, Object> arguments = arguments(request.argumentsJson());
        String argumentsJson = JSON.writeValueAsString(arguments);
        if (argumentsJson.contains("\\u0000")) {
            throw new ValidationException("The arguments contain a NUL character (U+0000), which cannot be sent.");
        }
        String toolName = request.toolName() == null ? "" : request.toolName();
        if (toolName.isBlank() || toolName.length() > ToolCatalog.MAX_NAME
                || toolName.chars().anyMatch(Character::isISOControl)) {
            throw new ValidationException("That is not a tool name.");
        }
        boolean switchedOn = tx.execute(s -> repository.enabledConnectors(conversation.id()))
                .contains(connector.id());
        if (!connector.enabled() || !switchedOn) {
            throw refuse(member, conversation, connector, toolName, argumentsJson, connector.enabled()
                    ? connector.name() + " is not switched on in this conversation. Switch it on with + › Connectors."
                    : connector.name() + " is turned off by an owner of " + member.orgName() + ".");
        }
        // A tool the console has seen is checked here already; one it has not (nobody listed this server's tools
        // yet) is checked in the background, after listing, by the same rules.
        ConnectorTool known = catalog.known(member.orgId(), connector.id()).get(toolName);
        String hash = argumentsHash(argumentsJson);
        if (known != null) {
            String refusal = known.refusal(known.approved() != null ? known.approved() : known.pending());
            if (refusal != null) {
                throw refuse(member, conversation, connector, toolName, argumentsJson, refusal);
            }
            validate(known.approved(), arguments);
            if (known.policy() == ToolPolicy.NEEDS_APPROVAL && !hash.equals(request.confirmedArguments())) {
                throw new ApprovalRequiredException("An owner asks members to confirm each call of " + toolName
                        + ".", hash);
            }
        }
        java.util.concurrent.atomic.AtomicInteger mine = perMember.computeIfAbsent(member.userId(),
                k -> new java.util.concurrent.atomic.AtomicInteger());
        if (mine.incrementAndGet() > MAX_RUNNING_PER_MEMBER) {
            mine.decrementAndGet();
            throw new ValidationException("You already have " + MAX_RUNNING_PER_MEMBER + " tool calls running. Wait "
                    + "for one to finish, or cancel one.");
        }
        UUID callId = UUID.randomUUID();
        try {
            tx.executeWithoutResult(s -> {
                repository.insertCall(member.orgId(), member.userId(), conversation.id(), callId, connector.id(),
                        connector.name(), toolName, argumentsJson, ToolCallStatus.RUNNING, null, now());
                repository.touch(conversation.id(), now());
            });
        } catch (RuntimeException e) {
            mine.decrementAndGet();
            throw e;
        }
        ToolCallEntry entry = tx.execute(s -> repository.findCall(callId)).orElseThrow(ConversationService::notFound);
        boolean approved = hash.equals(request.confirmedArguments());
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable canceller = () -> {
            cancelled.set(true);
            McpToolSession session = running.get(callId);
            if (session != null) {
                session.cancel();
            }
        };
        cancellers.put(callId, canceller);
        List<CallListener> audience = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(listener));
        watchers.put(callId, audience);
        CallListener everyone = new ThrottledProgress(audience);
        long started = System.nanoTime();
        background.execute(() -> {
            ToolCallEntry done;
            try {
                done = run(member, conversation, connector, toolName, arguments, argumentsJson, callId, approved,
                        cancelled, everyone);
            } catch (RuntimeException e) {
                log.error("Tool call {} failed unexpectedly", callId, e);
                done = finish(member, conversation, connector, toolName, argumentsJson, callId,
                        ToolCallStatus.FAILED, null, "The call failed inside the console. Try again; if it keeps "
                                + "failing, tell an owner.", millis(started), approved);
            } finally {
                mine.decrementAndGet();
                cancellers.remove(callId);
                watchers.remove(callId);
            }
            for (CallListener l : audience) {
                try {
                    l.finished(done);
                } catch (RuntimeException e) {
                    log.debug("A listener of call {} failed", callId, e);
                }
            }
        });
        return new RunningCall(entry, canceller);
    }

    /**
     * Follows a call of the member's that is still running (a reloaded page, another tab): progress and the end.
     * Returns false when the call is not running on this console instance (any more).
     */
    public boolean watch(UUID callId, CallListener listener) {
        Member member = tx.execute(s -> currentMember.require());
        ToolCallEntry entry = ownCall(member, callId);
        List<CallListener> audience = watchers.get(entry.id());
        if (audience == null) {
            return false;
        }
        audience.add(listener);
        return true;
    }

    /** Cancels a running call of the member's (from any page that shows it). */
    public void cancel(UUID callId) {
        Member member = tx.execute(s -> currentMember.require());
        ownCall(member, callId);
        Runnable canceller = cancellers.get(callId);
        if (canceller != null) {
            canceller.run();
        }
    }

    private ToolCallEntry ownCall(Member member, UUID callId) {
        return tx.execute(s -> repository.findOwnCall(member.orgId(), member.userId(), callId))
                .orElseThrow(() -> new NotFoundException("This tool call does not exist."));
    }

    private ToolCallEntry run(Member member, Conversation conversation, Connector connector, String toolName,
            Map<String, Object> arguments, String argumentsJson, UUID callId, boolean approved,
            java.util.concurrent.atomic.AtomicBoolean cancelled, CallListener listener) {
        long started = System.nanoTime();
        try (McpToolSession session = open(member, connector.id())) {
            running.put(callId, session);
            if (cancelled.get()) {
                return finish(member, conversation, connector, toolName, argumentsJson, callId,
                        ToolCallStatus.CANCELLED, null, "You cancelled the call before it was sent.", millis(started),
                        approved);
            }
            // The definition the server offers now must be the pinned one: a tool changed since an owner approved
            // it is held for review and not called.
            McpToolSession.ToolListing listing = session.listTools();
            ToolInfo current = ToolCatalog.usable(listing.tools()).stream().filter(t -> t.name().equals(toolName))
                    .findFirst().orElse(null);
            if (current == null) {
                return finish(member, conversation, connector, toolName, argumentsJson, callId,
                        ToolCallStatus.REFUSED, null, connector.name() + " does not offer a tool named \""
                                + DisplayNames.clean(toolName) + "\".",
                        millis(started), approved);
            }
            ConnectorTool standing = catalog.reconcile(member.orgId(), connector.id(), listing.tools(),
                    member.actor()).get(toolName);
            String refusal = standing == null ? "This tool is not available." : standing
                    .refusal(ToolDefinition.of(current));
            if (refusal == null && standing.policy() == ToolPolicy.NEEDS_APPROVAL && !approved) {
                refusal = "An owner now asks members to confirm each call of " + toolName + ". Run it again to "
                        + "confirm.";
            }
            if (refusal == null) {
                try {
                    validate(ToolDefinition.of(current), arguments);
                } catch (ValidationException e) {
                    refusal = e.getMessage();
                }
            }
            if (refusal == null) {
                refusal = stillSwitchedOn(member, conversation, connector);
            }
            if (refusal != null) {
                return finish(member, conversation, connector, toolName, argumentsJson, callId,
                        ToolCallStatus.REFUSED, null, refusal, millis(started), approved);
            }
            ToolOutcome outcome = session.call(toolName, arguments, listener::progress);
            ToolOutcome kept = capped(outcome);
            String note = kept == outcome ? null : "The result was larger than "
                    + (MAX_RESULT_BYTES / (1024 * 1024)) + " MB; the history keeps a shortened copy.";
            return finish(member, conversation, connector, toolName, argumentsJson, callId,
                    outcome.isError() ? ToolCallStatus.TOOL_ERROR : ToolCallStatus.SUCCEEDED, kept, note,
                    millis(started), approved, outcome);
        } catch (ToolCallException e) {
            ToolCallStatus status = switch (e.kind()) {
                case CANCELLED -> ToolCallStatus.CANCELLED;
                case TIMED_OUT -> ToolCallStatus.TIMED_OUT;
                case SERVER_ERROR, FAILED -> ToolCallStatus.FAILED;
            };
            String message = switch (e.kind()) {
                case CANCELLED -> "You cancelled the call after " + seconds(millis(started)) + ".";
                case TIMED_OUT -> "The tool did not answer within " + callTimeout.toSeconds() + " s, so the console "
                        + "stopped waiting. The server may still finish the work; check there before running it again.";
                default -> e.getMessage();
            };
            return finish(member, conversation, connector, toolName, argumentsJson, callId, status, null, message,
                    millis(started), approved);
        } catch (McpAuthorizationException e) {
            return finish(member, conversation, connector, toolName, argumentsJson, callId, ToolCallStatus.FAILED,
                    null, connections.refusedDuringUse(member, connector.id(), e), millis(started), approved);
        } catch (ConnectorUnavailableException e) {
            return finish(member, conversation, connector, toolName, argumentsJson, callId, ToolCallStatus.FAILED,
                    null, e.getMessage(), millis(started), approved);
        } catch (McpProbeException e) {
            return finish(member, conversation, connector, toolName, argumentsJson, callId,
                    cancelled.get() ? ToolCallStatus.CANCELLED : ToolCallStatus.FAILED, null, cancelled.get()
                            ? "You cancelled the call after " + seconds(millis(started)) + "."
                            : connector.name() + " could not be used: " + e.getMessage(), millis(started), approved);
        } catch (AccessDeniedException | NotFoundException e) {
            return finish(member, conversation, connector, toolName, argumentsJson, callId, ToolCallStatus.REFUSED,
                    null, e.getMessage(), millis(started), approved);
        } finally {
            running.remove(callId);
        }
    }

    private ToolCallEntry finish(Member member, Conversation conversation, Connector connector, String toolName,
            String argumentsJson, UUID callId, ToolCallStatus status, ToolOutcome kept, String message,
            long durationMs, boolean approved) {
        return finish(member, conversation, connector, toolName, argumentsJson, callId, status, kept, message,
                durationMs, approved, kept);
    }

    private ToolCallEntry finish(Member member, Conversation conversation, Connector connector, String toolName,
            String argumentsJson, UUID callId, ToolCallStatus status, ToolOutcome kept, String message,
            long durationMs, boolean approved, ToolOutcome full) {
        ConsoleMetrics.toolCall(status.name(), java.time.Duration.ofMillis(durationMs));
        boolean recordPayloads = catalog.settings(member.orgId()).recordPayloads();
        ToolOutcome storable = kept == null ? null : ToolResults.storable(kept);
        ToolCallEntry inMemory = new ToolCallEntry(callId, connector.id(), connector.name(), toolName, argumentsJson,
                status, storable, trim(message), java.time.Instant.now(clock), durationMs);
        return tx.execute(s -> {
            // the conversation may have been deleted meanwhile: the history row is gone, the audit event is not
            repository.finishCall(callId, status, storable, trim(message), durationMs, now());
            Map<String, String> details = callDetails(conversation, toolName, argumentsJson, recordPayloads);
            details.put("outcome", status.name());
            details.put("durationMs", String.valueOf(durationMs));
            if (approved) {
                details.put("confirmedByMember", "true");
            }
            if (full != null) {
                String resultJson = JSON.writeValueAsString(full);
                details.put("resultBytes", String.valueOf(resultJson.getBytes(StandardCharsets.UTF_8).length));
                details.put("resultSha256", sha256(resultJson));
                if (recordPayloads) {
                    details.put("result", ToolResults.printable(cut(resultJson)));
                }
            }
            if (message != null && status != ToolCallStatus.SUCCEEDED) {
                details.put("reason", trim(message));
            }
            audit.record(AuditRecord.of(member.orgId(), member.actor(), "tool.called")
                    .target("connector", connector.id().toString(), connector.name()).details(details));
            return repository.findCall(callId).orElse(inMemory);
        });
    }

    private ToolRefusedException refuse(Member member, Conversation conversation, Connector connector,
            String toolName, String argumentsJson, String reason) {
        boolean recordPayloads = catalog.settings(member.orgId()).recordPayloads();
        try {
            tx.executeWithoutResult(s -> repository.insertCall(member.orgId(), member.userId(), conversation.id(),
                    UUID.randomUUID(), connector.id(), connector.name(), cutName(toolName), argumentsJson,
                    ToolCallStatus.REFUSED, trim(reason), now()));
        } catch (org.springframework.dao.DataAccessException e) {
            log.debug("The refused call could not be kept in the history (conversation deleted?)", e);
        }
        tx.executeWithoutResult(s -> {
            Map<String, String> details = callDetails(conversation, toolName, argumentsJson, recordPayloads);
            details.put("outcome", ToolCallStatus.REFUSED.name());
            details.put("reason", trim(reason));
            audit.record(AuditRecord.of(member.orgId(), member.actor(), "tool.called")
                    .target("connector", connector.id().toString(), connector.name()).details(details));
        });
        return new ToolRefusedException(reason);
    }

    /** Just before the call: the switch, the connector and the membership as the database says now. */
    private String stillSwitchedOn(Member member, Conversation conversation, Connector connector) {
        return tx.execute(s -> {
            if (!repository.enabledConnectors(conversation.id()).contains(connector.id())) {
                return connector.name() + " was switched off in this conversation before the call was sent.";
            }
            boolean enabled = connectors.find(member.orgId(), connector.id()).map(t -> t.connector().enabled())
                    .orElse(false);
            if (!enabled) {
                return connector.name() + " was turned off by an owner before the call was sent.";
            }
            if (repository.find(member.orgId(), member.userId(), conversation.id()).isEmpty()) {
                return "This conversation no longer exists.";
            }
            return null;
        });
    }

    private static Map<String, String> callDetails(Conversation conversation, String toolName, String argumentsJson,
            boolean recordPayloads) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("conversation", conversation.id().toString());
        details.put("tool", cutName(toolName));
        details.put("argumentsBytes", String.valueOf(argumentsJson.getBytes(StandardCharsets.UTF_8).length));
        details.put("argumentsSha256", sha256(argumentsJson));
        if (recordPayloads) {
            details.put("arguments", ToolResults.printable(cut(argumentsJson)));
        }
        return details;
    }

    /** The SHA-256 of the arguments in canonical form (keys sorted): what a member's confirmation names. */
    public static String argumentsHash(String argumentsJson) {
        try {
            Object value = CANONICAL.readValue(argumentsJson, Object.class);
            return sha256(CANONICAL.writeValueAsString(value));
        } catch (JacksonException e) {
            return sha256(argumentsJson);
        }
    }

    private static Map<String, Object> arguments(String json) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_ARGUMENTS_BYTES) {
            throw new ValidationException("The arguments are larger than " + (MAX_ARGUMENTS_BYTES / 1024) + " KB.");
        }
        Object value;
        try {
            value = JSON.readValue(json, Object.class);
        } catch (JacksonException e) {
            throw new ValidationException("The arguments are not valid JSON: " + e.getOriginalMessage());
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ValidationException("The arguments must be a JSON object ({ … }).");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = (Map<String, Object>) map;
        return arguments;
    }

    /** Checks the arguments against the pinned input schema, with the MCP SDK's JSON Schema validator. */
    private static void validate(ToolDefinition definition, Map<String, Object> arguments) {
        if (definition == null || definition.inputSchemaJson() == null || definition.inputSchemaJson().isBlank()) {
            return;
        }
        Map<String, Object> schema;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = JSON.readValue(definition.inputSchemaJson(), Map.class);
            schema = parsed;
        } catch (JacksonException e) {
            return;
        }
        ArgumentSchemas.problem(schema, arguments).ifPresent(problem -> {
            throw new ValidationException("The arguments do not match what " + definition.name() + " expects: "
                    + trim(problem));
        });
    }

    /** A result within {@link #MAX_RESULT_BYTES}: long texts shortened, large images left out (with a note). */
    static ToolOutcome capped(ToolOutcome outcome) {
        String json = JSON.writeValueAsString(outcome);
        if (json.getBytes(StandardCharsets.UTF_8).length <= MAX_RESULT_BYTES) {
            return outcome;
        }
        int budget = MAX_RESULT_BYTES / Math.max(1, outcome.content().size() + 1);
        List<ToolOutcome.Part> parts = new ArrayList<>();
        for (ToolOutcome.Part part : outcome.content()) {
            if (part.data() != null && part.data().length() > budget) {
                parts.add(ToolOutcome.Part.text("[" + part.kind() + " of " + (part.data().length() * 3 / 4 / 1024)
                        + " KB left out: too large to keep]"));
            } else if (part.text() != null && part.text().length() > budget) {
                parts.add(new ToolOutcome.Part(part.kind(), part.text().substring(0, budget) + "\n[… shortened]",
                        part.mimeType(), part.data()));
            } else {
                parts.add(part);
            }
        }
        String structured = outcome.structuredJson();
        if (structured != null && structured.length() > budget) {
            structured = null;
            parts.add(ToolOutcome.Part.text("[structured result left out: too large to keep]"));
        }
        return new ToolOutcome(parts, outcome.isError(), structured);
    }

    // ------------------------------------------------------------------ helpers

    /** A call still "running" after the console restarted can never finish: say so instead of spinning. */
    @EventListener(ContextRefreshedEvent.class)
    void abandonOrphanedCalls() {
        OffsetDateTime now = now();
        // longer than any live call can take: opening, renewing, listing (bounded) and the call itself
        Duration longest = callTimeout.multipliedBy(4).plusMinutes(5);
        Integer count = tx.execute(s -> repository.abandonRunning(now.minus(longest), now));
        if (count != null && count > 0) {
            log.info("Marked {} tool calls left running by a stopped console as failed", count);
        }
    }

    private void requireConversation(Member member, ConversationId id) {
        repository.find(member.orgId(), member.userId(), id).orElseThrow(ConversationService::notFound);
    }

    private Conversation requireConversationOf(Member member, ConversationId id) {
        return tx.execute(s -> repository.find(member.orgId(), member.userId(), id)
                .orElseThrow(ConversationService::notFound));
    }

    private static void requirePaidPlan(Member member) {
        if (!member.plan().allowsCustomConnectors()) {
            throw new AccessDeniedException("Connectors need a paid plan (Pro, Max, Team or Enterprise).");
        }
    }

    private static String title(String title) {
        String clean = DisplayNames.clean(title);
        if (clean.isEmpty()) {
            clean = "New conversation";
        }
        if (clean.length() > MAX_TITLE) {
            throw new ValidationException("Keep the title under " + MAX_TITLE + " characters.");
        }
        return clean;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_AUDIT_PAYLOAD ? text : text.substring(0, MAX_AUDIT_PAYLOAD) + "…";
    }

    private static String cutName(String name) {
        return name.length() <= 256 ? name : name.substring(0, 255) + "…";
    }

    private static String trim(String s) {
        if (s == null) {
            return null;
        }
        String printable = ToolResults.printable(s);
        return printable.length() > 2000 ? printable.substring(0, 1999) + "…" : printable;
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }

    private static NotFoundException notFound() {
        return new NotFoundException("This conversation does not exist (it may have been deleted).");
    }

    @Override
    public void destroy() {
        running.values().forEach(McpToolSession::cancel);
        background.shutdownNow();
    }
}
