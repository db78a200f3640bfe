package org.connectorconsole.conversation;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ConnectorUseState;
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
import org.connectorconsole.conversation.internal.ConversationRepository;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Conversations: a member's own workspaces, the connectors switched on in each, their tools, and tool calls through
 * the member's own connection. Every method acts for the signed-in member on their own conversations only (another
 * member's conversation is "not found"), and enforces the owners' rules on the server: a blocked tool, a tool held
 * for review or changed since it was pinned, a connector switched off (here or by an owner) cannot be called,
 * whatever the request says. The calls themselves are made by {@link ToolCallRuntime}, once this service has found
 * the caller and checked what is theirs. No network call runs on the caller's thread or inside a transaction.
 */
@Service
public class ConversationService implements DisposableBean {

    public static final int MAX_TITLE = 200;
    public static final int RECENT = 50;
    public static final int HISTORY = 50;
    private static final Logger log = LoggerFactory.getLogger(ConversationService.class);

    private final CurrentMember currentMember;
    private final ConversationRepository repository;
    private final ConnectionService connections;
    private final ConnectorDirectory connectors;
    private final ToolCatalog catalog;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ToolSessions sessions;
    private final ToolCallRuntime runtime;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    ConversationService(CurrentMember currentMember, ConversationRepository repository,
            ConnectionService connections, ConnectorDirectory connectors, ToolCatalog catalog, AuditService audit,
            TransactionTemplate tx, Clock clock, ToolSessions sessions, ToolCallRuntime runtime,
            org.connectorconsole.connector.IconFetcher icons, org.connectorconsole.connector.ToolAccess access) {
        this.icons = icons;
        this.access = access;
        this.currentMember = currentMember;
        this.repository = repository;
        this.connections = connections;
        this.connectors = connectors;
        this.catalog = catalog;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.sessions = sessions;
        this.runtime = runtime;
    }

    private final org.connectorconsole.connector.IconFetcher icons;
    private final org.connectorconsole.connector.ToolAccess access;

    public Duration callTimeout() {
        return runtime.callTimeout();
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
     * The connectors the member may use in this conversation (their organization's, switched on by its owners),
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
                        ? AuditAction.CONVERSATION_CONNECTOR_ENABLED : AuditAction.CONVERSATION_CONNECTOR_DISABLED)
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
        return boardOf(member, tx.execute(s -> repository.enabledConnectors(id)));
    }

    /**
     * For the gateway, which resolved {@code member} from a bearer token: the tools of the connectors switched on
     * in {@code conversation} (the member's own, checked here), or with {@code conversation} null of every
     * connector the member may use (switched on by its owners, and connected or needing no sign-in; one whose
     * connection needs a new sign-in is a problem with {@code reconnect}). Listed from the servers now, on the
     * calling thread, with the same reconciliation of pinned definitions as the console's tool list.
     */
    public ToolBoard toolsFor(Member member, ConversationId conversation) {
        if (!member.plan().allowsCustomConnectors()) {
            return new ToolBoard(List.of(), List.of());
        }
        if (conversation != null) {
            requireConversationOf(member, conversation);
            return boardOf(member, tx.execute(s -> repository.enabledConnectors(conversation)));
        }
        Set<ConnectorId> usable = new java.util.LinkedHashSet<>();
        List<ToolBoard.Problem> problems = new ArrayList<>();
        for (MemberConnector c : connections.listFor(member)) {
            if (c.state() == MemberConnector.State.CONNECTED || c.state() == MemberConnector.State.NO_SIGN_IN
                    || c.state() == MemberConnector.State.FAILING) {
                usable.add(c.id());
            } else if (c.state() == MemberConnector.State.NEEDS_REAUTH) {
                problems.add(new ToolBoard.Problem(c.name(), c.reason() == null
                        ? ConnectorUseState.NEEDS_RECONNECT.sentence(c.name()) : c.reason(), true));
            }
        }
        ToolBoard board = boardOf(member, usable);
        problems.addAll(board.problems());
        return new ToolBoard(board.tools(), problems);
    }

    /**
     * The member's standing with their organization's connectors (who may use which, each tool's effective mode):
     * for the gateway, which resolved the member itself, so its listing follows the same rules as the tool runner.
     */
    public org.connectorconsole.connector.MemberTools standing(Member member) {
        return access.forMember(member.orgId(), member.userId());
    }

    /** The connectors switched on in one of {@code member}'s conversations (the gateway's conversation endpoint). */
    public Set<ConnectorId> switchedOn(Member member, ConversationId conversation) {
        requireConversationOf(member, conversation);
        return tx.execute(s -> repository.enabledConnectors(conversation));
    }

    /** The organization and member a conversation belongs to (the gateway's conversation endpoint), if it exists. */
    public Optional<Owner> ownerOf(ConversationId id) {
        return tx.execute(s -> repository.owner(id)).map(o -> new Owner(o.orgId(), o.userId()));
    }

    /** Whose a conversation is. */
    public record Owner(org.connectorconsole.base.OrganizationId orgId, org.connectorconsole.base.UserId userId) {
    }

    private ToolBoard boardOf(Member member, Set<ConnectorId> enabled) {
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
                        + "of " + member.orgName() + ".", false, ConnectorUseState.TURNED_OFF));
                continue;
            }
            if (!access.forConnector(member.orgId(), member.userId(), connectorId).offered(connectorId)) {
                problems.add(new ToolBoard.Problem(connector.name(), access.decide(member.orgId(), member.userId(),
                        connectorId, "").reason(), false));
                continue;
            }
            try (McpToolSession session = sessions.open(member, connectorId)) {
                McpToolSession.ToolListing listing = session.listTools();
                Map<String, ConnectorTool> standing = catalog.reconcile(member.orgId(), connectorId,
                        listing.tools(), member.actor());
                java.net.URI serverUrl = java.net.URI.create(connector.url());
                icons.learnServerIcon(member.orgId(), connectorId, serverUrl, session.serverIcons());
                // each tool's effective mode for this member, as the tool runner decides it (ToolAccessRules)
                org.connectorconsole.connector.MemberTools modes = access.forConnector(member.orgId(),
                        member.userId(), connectorId);
                for (ToolInfo tool : ToolCatalog.usable(listing.tools())) {
                    ConnectorTool row = standing.get(tool.name());
                    org.connectorconsole.connector.EffectiveMode mode = modes.mode(connectorId, tool.name());
                    String refusal = row == null ? "This tool is not available." : row.refusal(ToolDefinition.of(tool));
                    // a tool held for review shows as waiting (the owner's own setting), not as blocked by a mode
                    org.connectorconsole.connector.ToolPolicy shown = row == null ? null : refusal != null ? row.policy() : mode.mode();
                    if (refusal == null && !mode.usable()) {
                        refusal = mode.reason();
                    }
                    tools.add(new ConversationTool(connectorId, connector.name(), tool.name(), tool.title(),
                            tool.description(), tool.inputSchemaJson(), shown, refusal,
                            icons.first(member.orgId(), serverUrl, tool.icons()).orElse(null)));
                }
                if (listing.truncated()) {
                    problems.add(new ToolBoard.Problem(connector.name(), connector.name() + " offers more tools than "
                            + "the console lists; only the first " + listing.tools().size() + " are shown.", false,
                            null));
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
    public RunningCall start(ToolCallRequest request, ToolCallListener listener) {
        Member member = tx.execute(s -> currentMember.require());
        requirePaidPlan(member);
        Conversation conversation = requireConversationOf(member, request.conversationId());
        Connector connector = connectors.find(member.orgId(), request.connectorId())
                .map(ConnectorDirectory.Target::connector)
                .orElseThrow(() -> new NotFoundException("This connector does not exist (it may have been removed)."));
        return runtime.start(member, new ToolCall(conversation.id(), connector, request.toolName(),
                request.argumentsJson(), request.confirmedArguments()), listener);
    }

    /**
     * Follows a call of the member's that is still running (a reloaded page, another tab): progress and the end.
     * Returns false when the call is not running on this console instance (any more).
     */
    public boolean watch(UUID callId, ToolCallListener listener) {
        Member member = tx.execute(s -> currentMember.require());
        return runtime.watch(member, callId, listener);
    }

    /** Cancels a running call of the member's (from any page that shows it). */
    public void cancel(UUID callId) {
        Member member = tx.execute(s -> currentMember.require());
        runtime.cancel(member, callId);
    }

    /** The SHA-256 of the arguments in canonical form (keys sorted): what a member's confirmation names. */
    public static String argumentsHash(String argumentsJson) {
        return ToolArguments.hash(argumentsJson);
    }

    // ------------------------------------------------------------------ helpers

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

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }

    private static NotFoundException notFound() {
        return new NotFoundException("This conversation does not exist (it may have been deleted).");
    }

    @Override
    public void destroy() {
        background.shutdownNow();
    }
}
