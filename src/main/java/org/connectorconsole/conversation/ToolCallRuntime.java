package org.connectorconsole.conversation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.ConnectorUnavailableException;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.connector.EffectiveMode;
import org.connectorconsole.connector.ToolAccess;
import org.connectorconsole.connector.ToolDefinition;
import org.connectorconsole.conversation.internal.ConversationRepository;
import org.connectorconsole.mcp.FormAnswerer;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.SessionOptions;
import org.connectorconsole.mcp.ToolCallException;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.mcp.UrlAnswerer;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs tool calls for a member through their own connection: the owners' rules checked before anything is sent,
 * the call kept in the history and audited, made in the background with progress and cancellation, and checked
 * once more right before it is sent (the server's current definition against the pinned one, the policy, the
 * schema, the switches). Bounds the calls each member has running; the instance-wide bound is
 * {@link ToolSessions}'.
 *
 * <p>It acts for the {@link Member} it is handed and does not look the caller up itself: the caller (today
 * {@link ConversationService}, later a gateway) has resolved who calls, checked their plan and that the conversation
 * is theirs, and found the connector in their organization. No network call runs on the caller's thread or inside
 * a transaction.
 */
@Component
public class ToolCallRuntime implements DisposableBean {

    /** Calls one member may have running at once (so nobody takes every slot of an instance). */
    public static final int MAX_RUNNING_PER_MEMBER = 4;
    private static final Logger log = LoggerFactory.getLogger(ToolCallRuntime.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How long before the call's timeout an unanswered request for input is cancelled (the server then ends). */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(1);
    /**
     * How old the lease's check of the connector and the member's standing may be to stand for the check right
     * before sending (decision 0068); older (a session opened and listed slowly), they are read again.
     */

    private final ConversationRepository repository;
    private final ConnectionService connections;
    private final ConnectorDirectory connectors;
    private final ToolCatalog catalog;
    private final ToolAccess access;
    private final ToolSessions sessions;
    private final ToolCallRecorder recorder;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ObservationRegistry observations;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final RunningCalls calls = new RunningCalls(MAX_RUNNING_PER_MEMBER);
    private final boolean loopbackHttp;
    private final LiveChanges.Subscription otherInstances;

    ToolCallRuntime(ConversationRepository repository, ConnectionService connections, ConnectorDirectory connectors,
            ToolCatalog catalog, ToolAccess access, ToolSessions sessions, ToolCallRecorder recorder,
            TransactionTemplate tx, LiveChanges live,
            Clock clock, ObjectProvider<ObservationRegistry> observations,
            @Value("${console.egress.allow-loopback-http:false}") boolean loopbackHttp) {
        this.loopbackHttp = loopbackHttp;
        this.repository = repository;
        this.connections = connections;
        this.connectors = connectors;
        this.catalog = catalog;
        this.access = access;
        this.sessions = sessions;
        this.recorder = recorder;
        this.tx = tx;
        this.clock = clock;
        this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        this.otherInstances = live.subscribeInstance(this::onLiveChange);
    }

    /** How long a call may wait for the server's answer. */
    public Duration callTimeout() {
        return sessions.callTimeout();
    }

    /**
     * Starts a tool call: checks it (see {@link ConversationService#start}), keeps it in the history as running,
     * and makes it in the background; {@code listener} hears its progress and its end.
     *
     * @throws ValidationException the arguments or the tool name are not valid, or the member has
     *         {@value #MAX_RUNNING_PER_MEMBER} calls running; nothing recorded
     * @throws ApprovalRequiredException the tool needs the member's confirmation of these arguments
     * @throws ToolRefusedException refused by the owners' rules; recorded in the history and the audit log
     */
    public RunningCall start(Member member, ToolCall call, ToolCallListener listener) {
        PreparedCall prepared = prepare(member, call);
        if (!calls.reserve(member.userId())) {
            throw new ValidationException("You already have " + MAX_RUNNING_PER_MEMBER + " tool calls running. "
                    + "Wait for one to finish, or cancel one.");
        }
        ToolCallEntry entry;
        try {
            entry = recorder.running(prepared);
        } catch (RuntimeException e) {
            calls.release(member.userId());
            throw e;
        }
        RunningCalls.Tracked tracked = calls.track(prepared.callId(), listener);
        calls.uses(prepared.callId(), new RunningCalls.Used(member.orgId(), prepared.connector().id(),
                prepared.connector().name(), prepared.connector().url()));
        if (!stillEnabled(member, prepared.connector().id())) {
            // disabled between the check and now: the kill switch's event may have passed this call by
            calls.stopConnector(prepared.connector().id(), stoppedMessage(prepared.connector().name()));
        }
        long started = System.nanoTime();
        // one span per call (OpenTelemetry, when tracing is on), a child of the request that started it; the
        // requests to the server are made inside it, so they carry its trace context (egress)
        Observation observation = Observation.createNotStarted("console.tool.call", observations)
                .contextualName("tools/call " + prepared.toolName())
                .lowCardinalityKeyValue("mcp.method.name", "tools/call")
                .highCardinalityKeyValue("gen_ai.tool.name", prepared.toolName())
                .start();
        background.execute(() -> {
            try (Observation.Scope scope = observation.openScope()) {
                runAndTell(prepared, tracked, started);
            } finally {
                observation.stop();
            }
        });
        return new RunningCall(entry, tracked.canceller());
    }

    /**
     * Follows a call of the member's that is still running (a reloaded page, another tab): progress and the end.
     * Returns false when the call is not running on this console instance (any more).
     */
    public boolean watch(Member member, UUID callId, ToolCallListener listener) {
        return calls.watch(ownCall(member, callId).id(), listener);
    }

    /** Cancels a running call of the member's (from any page that shows it). */
    public void cancel(Member member, UUID callId) {
        ownCall(member, callId);
        calls.cancel(callId);
    }

    /** The checks made before anything is recorded or sent; a refusal is recorded and thrown. */
    private PreparedCall prepare(Member member, ToolCall call) {
        Connector connector = call.connector();
        Map<String, Object> arguments = ToolArguments.parse(call.argumentsJson());
        String argumentsJson = JSON.writeValueAsString(arguments);
        if (argumentsJson.contains("\\u0000")) {
            throw new ValidationException("The arguments contain a NUL character (U+0000), which cannot be sent.");
        }
        String toolName = call.toolName() == null ? "" : call.toolName();
        if (toolName.isBlank() || toolName.length() > ToolCatalog.MAX_NAME
                || toolName.chars().anyMatch(Character::isISOControl)) {
            throw new ValidationException("That is not a tool name.");
        }
        // a call on the gateway's member endpoint has no conversation: every connector its owners switched on
        boolean switchedOn = call.conversationId() == null
                || tx.execute(s -> repository.enabledConnectors(call.conversationId())).contains(connector.id());
        if (!connector.enabled() || !switchedOn) {
            throw recorder.refuse(member, call, connector, toolName, argumentsJson,
                    connector.enabled() ? connector.name() + " is not switched on in this conversation. Switch it on "
                            + "with + › Connectors." : connector.name() + " is turned off by an owner of "
                            + member.orgName() + ".");
        }
        // Who may use the connector and each tool's effective mode for this member (groups, grants, ceiling, the
        // kill switch): ToolAccessRules decides, here and right before sending, for the gateway's calls too.
        org.connectorconsole.connector.MemberTools standing = access.forConnector(member.orgId(), member.userId(),
                connector.id());
        EffectiveMode mode = standing.mode(connector.id(), toolName);
        if (!standing.offered(connector.id())) {
            throw recorder.refuse(member, call, connector, toolName, argumentsJson, mode.reason());
        }
        // A tool the console has seen is checked here already; one it has not (nobody listed this server's tools
        // yet) is checked in the background, after listing, by the same rules.
        ConnectorTool known = catalog.known(member.orgId(), connector.id()).get(toolName);
        String hash = ToolArguments.hash(argumentsJson);
        if (known != null) {
            String refusal = known.refusal(known.approved() != null ? known.approved() : known.pending());
            if (refusal == null && !mode.usable()) {
                refusal = mode.reason();
            }
            if (refusal != null) {
                throw recorder.refuse(member, call, connector, toolName, argumentsJson, refusal);
            }
            ToolArguments.validate(known.approved(), arguments);
            if (mode.needsApproval() && !hash.equals(call.confirmedArguments())) {
                throw new ApprovalRequiredException("Confirm this call of " + toolName + ": " + mode.reason(), hash);
            }
        }
        return new PreparedCall(member, call.conversationId(), connector, toolName, arguments, argumentsJson,
                UUID.randomUUID(), hash.equals(call.confirmedArguments()), call.clientName());
    }

    /** In the background: makes the call, then tells everyone following it how it ended. */
    private void runAndTell(PreparedCall call, RunningCalls.Tracked tracked, long started) {
        ToolCallEntry done;
        try {
            done = run(call, tracked, new ThrottledProgress(tracked.audience()));
        } catch (RuntimeException e) {
            log.error("Tool call {} failed unexpectedly", call.callId(), e);
            done = recorder.finish(call, ToolCallStatus.FAILED, "The call failed inside the console. Try again; if "
                    + "it keeps failing, tell an owner.", millis(started));
        } finally {
            calls.release(call.member().userId());
            calls.untrack(call.callId());
        }
        for (ToolCallListener listener : tracked.audience()) {
            try {
                listener.finished(done);
            } catch (RuntimeException e) {
                log.debug("A listener of call {} failed", call.callId(), e);
            }
        }
    }

    private ToolCallEntry run(PreparedCall call, RunningCalls.Tracked tracked, ToolCallListener listener) {
        AtomicBoolean cancelled = tracked.cancelled();
        long started = System.nanoTime();
        Connector connector = call.connector();
        SessionOptions options = tracked.asksPeople()
                ? new SessionOptions(forms(call.callId(), tracked, started), urls(call.callId(), tracked, started))
                : SessionOptions.NONE;
        try (ToolSessions.Lease lease = sessions.lease(call.member(), connector.id(), options,
                session -> calls.sessionOpened(call.callId(), session))) {
            if (cancelled.get()) {
                String stopped = calls.stopped(call.callId());
                return recorder.finish(call, ToolCallStatus.CANCELLED, stopped != null ? stopped
                        : "You cancelled the call before it was sent.", millis(started));
            }
            String refusal = refusalRightBeforeSending(call, lease);
            if (refusal != null) {
                return recorder.finish(call, ToolCallStatus.REFUSED, refusal, millis(started));
            }
            if (cancelled.get()) {
                // stopped (by the member, or the kill switch) while the session opened and the checks ran
                String stopped = calls.stopped(call.callId());
                return recorder.finish(call, ToolCallStatus.CANCELLED, stopped != null ? stopped
                        : "You cancelled the call before it was sent.", millis(started));
            }
            ToolOutcome outcome = lease.call(call.toolName(), call.arguments(), listener::progress);
            ToolOutcome kept = ResultCap.capped(outcome);
            return recorder.finish(call, outcome.isError() ? ToolCallStatus.TOOL_ERROR : ToolCallStatus.SUCCEEDED,
                    kept, ResultCap.note(outcome, kept), millis(started), outcome);
        } catch (ToolCallException e) {
            String stopped = e.kind() == ToolCallException.Kind.CANCELLED ? calls.stopped(call.callId()) : null;
            return recorder.finish(call, status(e), stopped != null ? stopped : message(e, started),
                    millis(started));
        } catch (McpAuthorizationException e) {
            return recorder.finish(call, ToolCallStatus.FAILED, connections.refusedDuringUse(call.member(),
                    connector.id(), e), millis(started));
        } catch (ConnectorUnavailableException e) {
            return recorder.finish(call, ToolCallStatus.FAILED, e.getMessage(), millis(started));
        } catch (McpProbeException e) {
            return recorder.finish(call, cancelled.get() ? ToolCallStatus.CANCELLED : ToolCallStatus.FAILED,
                    cancelled.get() ? (calls.stopped(call.callId()) != null ? calls.stopped(call.callId())
                            : "You cancelled the call after " + seconds(millis(started)) + ".")
                            : connector.name() + " could not be used: " + e.getMessage(), millis(started));
        } catch (AccessDeniedException | NotFoundException e) {
            return recorder.finish(call, ToolCallStatus.REFUSED, e.getMessage(), millis(started));
        } finally {
            calls.sessionClosed(call.callId());
        }
    }

    /**
     * Answers the server's requests for input during one call: each is put before everyone following the call who
     * can answer (the page that started it, another tab), and the first answer goes back; none within the call's
     * timeout, the call cancelled, or the last page showing it closed: {@code cancel}. The wait ends a little before
     * the call's own timeout, so the server hears {@code cancel} and can still finish the call.
     */
    private FormAnswerer forms(UUID callId, RunningCalls.Tracked tracked, long startedNanos) {
        return (message, schema) -> ask(callId, tracked, startedNanos, new InputRequest(message, schema));
    }

    /**
     * As {@link #forms}, for a request to open an address (URL mode): one that is not {@code https} (or loopback
     * {@code http} where egress allows it in development) is declined without being shown.
     */
    private UrlAnswerer urls(UUID callId, RunningCalls.Tracked tracked, long startedNanos) {
        return (message, url) -> {
            java.net.URI openable = InputRequest.openable(url, loopbackHttp);
            if (openable == null) {
                log.info("Call {}: the server asked to open an address that is not https; declined", callId);
                return FormAnswerer.Answer.decline();
            }
            return ask(callId, tracked, startedNanos, InputRequest.toOpen(message, openable));
        };
    }

    /** Puts {@code request} before those following the call who can answer, and waits for the answer. */
    private FormAnswerer.Answer ask(UUID callId, RunningCalls.Tracked tracked, long startedNanos,
            InputRequest request) {
        calls.asking(callId, request);
        try {
            if (tracked.cancelled().get()) {
                return FormAnswerer.Answer.cancel();
            }
            boolean told = false;
            for (ToolCallListener listener : tracked.audience()) {
                if (listener.answersInput()) {
                    try {
                        listener.inputRequested(request);
                        told = true;
                    } catch (RuntimeException e) {
                        log.debug("A listener of call {} failed", callId, e);
                    }
                }
            }
            Duration left = callTimeout().minusNanos(System.nanoTime() - startedNanos).minus(ANSWER_MARGIN);
            return told && left.isPositive() ? request.await(left) : FormAnswerer.Answer.cancel();
        } finally {
            calls.asking(callId, null);
        }
    }

    /**
     * In the call's own session, right before it is sent: the definition the server offers must be the pinned one
     * (a tool changed since an owner approved it is held for review and not called), allowed, confirmed if it must
     * be, matched by the arguments, and still switched on. What the server offers is its listing of now, or one
     * kept with the session for a few seconds ({@link ToolSessions}, decision 0042). The reason it may not be sent,
     * or null.
     */
    private String refusalRightBeforeSending(PreparedCall call, ToolSessions.Lease lease)
            throws McpProbeException, ConnectorUnavailableException {
        Member member = call.member();
        Connector connector = call.connector();
        McpToolSession.ToolListing listing = lease.listing().listing();
        ToolInfo current = ToolCatalog.usable(listing.tools()).stream()
                .filter(t -> t.name().equals(call.toolName())).findFirst().orElse(null);
        if (current == null) {
            return connector.name() + " does not offer a tool named \"" + DisplayNames.clean(call.toolName()) + "\".";
        }
        ConnectorTool standing = catalog.reconcile(member.orgId(), connector.id(), listing.tools(), member.actor())
                .get(call.toolName());
        String refusal = standing == null ? "This tool is not available." : standing
                .refusal(ToolDefinition.of(current));
        // the member's standing as the database says now, not as the lease's check read it: between the two the
        // session may have been opened and listed, and an owner's change in that time must hold (decision 0068,
        // amended the same day)
        EffectiveMode mode = refusal != null ? null
                : access.decide(member.orgId(), member.userId(), connector.id(), call.toolName());
        if (mode != null && !mode.usable()) {
            refusal = mode.reason();
        } else if (mode != null && mode.needsApproval() && !call.approved()) {
            refusal = "Each call of " + call.toolName() + " now needs your confirmation (" + mode.reason()
                    + ") Run it again to confirm.";
        }
        if (refusal == null) {
            try {
                ToolArguments.validate(ToolDefinition.of(current), call.arguments());
            } catch (ValidationException e) {
                refusal = e.getMessage();
            }
        }
        return refusal != null ? refusal : stillSwitchedOn(call);
    }

    /** Just before the call: the switch, the connector and the conversation as the database says now. */
    private String stillSwitchedOn(PreparedCall call) {
        Member member = call.member();
        Connector connector = call.connector();
        if (call.conversationId() == null) {
            // the member's endpoint: no conversation switches; the connector's switch in one read, no transaction
            return connectors.enabled(member.orgId(), connector.id()) ? null
                    : connector.name() + " was turned off by an owner before the call was sent.";
        }
        return tx.execute(s -> {
            if (!repository.enabledConnectors(call.conversationId()).contains(connector.id())) {
                return connector.name() + " was switched off in this conversation before the call was sent.";
            }
            if (!connectors.enabled(member.orgId(), connector.id())) {
                return connector.name() + " was turned off by an owner before the call was sent.";
            }
            if (repository.find(member.orgId(), member.userId(), call.conversationId()).isEmpty()) {
                return "This conversation no longer exists.";
            }
            return null;
        });
    }

    private static ToolCallStatus status(ToolCallException e) {
        return switch (e.kind()) {
            case CANCELLED -> ToolCallStatus.CANCELLED;
            case TIMED_OUT -> ToolCallStatus.TIMED_OUT;
            case SERVER_ERROR, FAILED -> ToolCallStatus.FAILED;
        };
    }

    private String message(ToolCallException e, long started) {
        return switch (e.kind()) {
            case CANCELLED -> "You cancelled the call after " + seconds(millis(started)) + ".";
            case TIMED_OUT -> "The tool did not answer within " + callTimeout().toSeconds() + " s, so the console "
                    + "stopped waiting. The server may still finish the work; check there before running it again.";
            default -> e.getMessage();
        };
    }

    private ToolCallEntry ownCall(Member member, UUID callId) {
        return tx.execute(s -> repository.findOwnCall(member.orgId(), member.userId(), callId))
                .orElseThrow(() -> new NotFoundException("This tool call does not exist."));
    }

    /**
     * The kill switch: an owner disabled (or removed, or moved) a connector. Every call of it running on this
     * instance is cancelled at once, once the owner's change is committed (new calls are refused from then on,
     * also right before sending); the history says why. Calls running on another instance are stopped by that one
     * when it hears of it, and are refused there right before sending in any case.
     */
    @org.springframework.transaction.event.TransactionalEventListener(fallbackExecution = true)
    void onConnectorRetired(org.connectorconsole.connector.ConnectorRetired event) {
        int stopped = calls.stopConnector(event.connectorId(), switch (event.reason()) {
            case DISABLED -> stoppedMessage(event.connectorName());
            case REMOVED -> "Stopped: an owner removed " + event.connectorName() + ".";
            case URL_CHANGED -> "Stopped: an owner pointed " + event.connectorName() + " at another server.";
        });
        if (stopped > 0) {
            log.info("Stopped {} running calls of connector {} ({})", stopped, event.connectorId(), event.reason());
        }
    }

    /**
     * The kill switch on every instance (decision 0064): a connector change committed anywhere (this instance or
     * another on the same database) reaches each instance through {@link LiveChanges}; each then re-reads the
     * connectors its running calls of that organization use, and stops the calls of one that is now disabled,
     * removed or pointed at another server. After the listener reconnected (RESYNC) it re-reads all of them.
     */
    void onLiveChange(LiveChange change) {
        if (change.topic() != LiveTopic.CONNECTORS && change.topic() != LiveTopic.RESYNC) {
            return;
        }
        for (RunningCalls.Used used : calls.inUse(change.topic() == LiveTopic.RESYNC ? null : change.orgId())) {
            java.util.Optional<Connector> now = tx.execute(s -> connectors.find(used.orgId(), used.connectorId())
                    .map(ConnectorDirectory.Target::connector));
            String reason;
            if (now == null || now.isEmpty()) {
                reason = "Stopped: an owner removed " + used.name() + ".";
            } else if (!now.get().enabled()) {
                reason = stoppedMessage(used.name());
            } else if (!now.get().url().equals(used.url())) {
                reason = "Stopped: an owner pointed " + used.name() + " at another server.";
            } else {
                continue;
            }
            int stopped = calls.stopConnector(used.connectorId(), reason);
            if (stopped > 0) {
                log.info("Stopped {} running calls of connector {} (changed on another instance)", stopped,
                        used.connectorId());
            }
        }
    }

    private static String stoppedMessage(String connectorName) {
        return "Stopped by an owner: " + connectorName + " was disabled while the call was running.";
    }

    private boolean stillEnabled(Member member, org.connectorconsole.connector.ConnectorId id) {
        return connectors.enabled(member.orgId(), id);
    }

    /** A call still "running" after the console restarted can never finish: say so instead of spinning. */
    @EventListener(ContextRefreshedEvent.class)
    void abandonOrphanedCalls() {
        OffsetDateTime now = Times.utcNow(clock);
        // longer than any live call can take: opening, renewing, listing (bounded) and the call itself
        Duration longest = callTimeout().multipliedBy(4).plusMinutes(5);
        Integer count = tx.execute(s -> repository.abandonRunning(now.minus(longest), now));
        if (count != null && count > 0) {
            log.info("Marked {} tool calls left running by a stopped console as failed", count);
        }
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Override
    public void destroy() {
        otherInstances.close();
        calls.cancelAll();
        background.shutdownNow();
    }
}
