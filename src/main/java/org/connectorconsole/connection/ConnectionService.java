package org.connectorconsole.connection;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.connectorconsole.base.AfterCommit;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.SessionOptions;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;

/**
 * Members' connections to their organization's connectors, as the views and other features use them. Every
 * method acts for the signed-in member (found here through {@link CurrentMember}, on the calling thread), within
 * their organization, on their own connection only, and hands the work to the class whose one job it is:
 * {@link ConnectionChecks} (state), {@link ConnectionSessions} (tool calls), {@link ConnectionAuthorization}
 * (connecting), {@link ConnectionEndings} (disconnecting); tokens are {@link ConnectionTokens}' alone and are never
 * handed out. No network call runs inside a database transaction.
 */
@Service
public class ConnectionService {

    private final ConnectionAccess access;
    private final ConnectionChecks checks;
    private final ConnectionSessions sessions;
    private final ConnectionAuthorization authorization;
    private final ConnectionEndings endings;
    private final ConsoleAddress address;
    private final org.connectorconsole.connection.internal.ConnectionRepository repository;
    /** When this instance last wrote a use per member and connector, in epoch seconds (see {@link #recordUse}). */
    private final java.util.Map<String, Long> usesNoted = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_USES_NOTED = 100_000;

    ConnectionService(ConnectionAccess access, ConnectionChecks checks, ConnectionSessions sessions,
            ConnectionAuthorization authorization, ConnectionEndings endings, ConsoleAddress address,
            org.connectorconsole.connection.internal.ConnectionRepository repository) {
        this.repository = repository;
        this.access = access;
        this.checks = checks;
        this.sessions = sessions;
        this.authorization = authorization;
        this.endings = endings;
        this.address = address;
    }

    /** Every enabled connector of the member's organization, with the member's own connection state. */
    public List<MemberConnector> list() {
        return checks.list(access.member());
    }

    /**
     * The same for a member the caller resolved itself (the gateway, whose callers hold bearer tokens, not a
     * session); stored state only, no network call.
     */
    public List<MemberConnector> listFor(Member member) {
        ConnectionAccess.requirePaidPlan(member);
        return checks.list(member);
    }

    /**
     * Asks the server whether the member's connection works (bounded, in the background), updates the stored
     * status and reports the connector with its tools. For a connector without a connection, asks whether it
     * answers without sign-in. {@code onResult} always runs, on a background thread.
     */
    public void check(ConnectorId connectorId, Consumer<MemberConnector> onResult) {
        Member member = access.member();
        checks.check(member, access.usableConnector(member, connectorId), onResult);
    }

    /** The same check, on the calling thread (tests). */
    public MemberConnector checkNow(ConnectorId connectorId) {
        Member member = access.member();
        return checks.checkNow(member, access.usableConnector(member, connectorId));
    }

    /**
     * Opens an MCP session with the connector for {@code member} (resolved by the caller's service through
     * {@link CurrentMember}, on the request thread): with the member's own token, renewed once when the server
     * refuses it; without a token for a server that needs no sign-in. Never with the member's console sign-in.
     * The caller closes the session.
     */
    public McpToolSession openSession(Member member, ConnectorId connectorId, Duration callTimeout)
            throws ConnectorUnavailableException {
        ConnectionAccess.requirePaidPlan(member);
        return sessions.open(member, access.usableConnector(member, connectorId), callTimeout);
    }

    /**
     * As {@link #openSession(Member, ConnectorId, Duration)}, with {@code options}: a form answerer for a server that
     * asks the member for input during a call.
     */
    public McpToolSession openSession(Member member, ConnectorId connectorId, Duration callTimeout,
            SessionOptions options) throws ConnectorUnavailableException {
        ConnectionAccess.requirePaidPlan(member);
        return sessions.open(member, access.usableConnector(member, connectorId), callTimeout, options);
    }

    /**
     * What a session opened now for {@code member} with the connector would carry: the connector's address and
     * transport, and which connection and access token (a SHA-256 of the sealed token, never the token). A session
     * kept open between calls is reused only while this stays the same (decision 0042). Null when the token is due
     * for renewal (a new session renews it). Checks what {@link #openSession} checks, without the network.
     *
     * @throws ConnectorUnavailableException the member must connect (again) first
     */
    @org.springframework.transaction.annotation.Transactional(readOnly = true)
    public String sessionCredentials(Member member, ConnectorId connectorId) throws ConnectorUnavailableException {
        ConnectionAccess.requirePaidPlan(member);
        // one read-only transaction for the connector, the member's standing and the connection (decision 0068)
        ConnectionAccess.Usable usable = access.usable(member, connectorId);
        return sessions.credentials(member, usable.target());
    }

    /**
     * A server refused the member's token during use (a tool call): records that the member must sign in again
     * (with more scope for a step-up) and returns the reason to show.
     */
    public String refusedDuringUse(Member member, ConnectorId connectorId, McpAuthorizationException refusal) {
        return sessions.refusedDuringUse(member, connectorId, refusal);
    }

    /**
     * Starts connecting the member: discovery, the client (owner's, metadata document, or dynamic registration
     * kept per connector), PKCE and a single-use state stored in the database. {@code returnTo} is a path inside
     * the console to come back to.
     */
    public ConnectStart connect(ConnectorId connectorId, String returnTo) throws OAuthFlowException {
        Member member = access.member();
        ConnectorDirectory.Target target = access.usableConnector(member, connectorId);
        return authorization.start(member, target, safeReturn(returnTo), address.redirectUri());
    }

    /**
     * As {@link #connect(ConnectorId, String)}, with the network steps (discovery, registration) on a background
     * thread: who is asking, and the console's address, are settled on the calling (request) thread first.
     * {@code onStart} or {@code onFailure} (a message for the member) runs on the background thread.
     */
    public void connectInBackground(ConnectorId connectorId, String returnTo, Consumer<ConnectStart> onStart,
            Consumer<String> onFailure) {
        Member member = access.member();
        ConnectorDirectory.Target target = access.usableConnector(member, connectorId);
        String redirectUri = address.redirectUri();
        authorization.startInBackground(member, target, safeReturn(returnTo), redirectUri, onStart, onFailure);
    }

    /**
     * The authorization server sent the browser back: checks the answer against what was started, by whom, and
     * exchanges the code (see {@link ConnectionAuthorization#complete}).
     */
    public CallbackOutcome complete(String state, String code, String iss, String error, String errorDescription) {
        return authorization.complete(access.member(), state, code, iss, error, errorDescription);
    }

    /**
     * Ends the member's connection: the row is deleted first (so exactly the tokens it held are revoked, and a
     * concurrent renewal finds it gone), then the tokens are revoked where the server offers it. Says what
     * happened.
     */
    public String disconnect(ConnectorId connectorId) {
        return endings.disconnect(access.member(), connectorId);
    }

    /**
     * {@link #disconnect} on a background thread; {@code onDone} gets the message for the member and whether the
     * server confirmed the revocation.
     */
    public void disconnectInBackground(ConnectorId connectorId, Consumer<Disconnection> onDone) {
        endings.disconnectInBackground(access.member(), connectorId, onDone);
    }

    /**
     * A tool call of {@code member} (resolved by the caller's service) with the connector started: "last use" counts
     * it, whatever the connector's sign-in kind (console or gateway). Joins the caller's transaction.
     */
    public void recordUse(Member member, ConnectorId connectorId) {
        java.time.OffsetDateTime now = access.now();
        // kept to the repository's grain: within it after this instance wrote, the statements would change nothing,
        // so they are not sent (decision 0068)
        long second = now.toEpochSecond();
        String key = member.userId().value() + " " + connectorId.value();
        Long written = usesNoted.get(key);
        if (written != null && second - written < ConnectionRepository.USE_GRAIN_SECONDS && second >= written) {
            return;
        }
        if (usesNoted.size() > MAX_USES_NOTED) {
            usesNoted.clear();
        }
        repository.recordUse(member.orgId(), connectorId, member.userId(), now);
        // noted only once the caller's transaction commits: a rolled-back use must not hide the next one
        AfterCommit.run(() -> usesNoted.put(key, second));
    }


    /** Only paths inside the console: never an absolute URL or a protocol-relative one (open redirect). */
    static String safeReturn(String returnTo) {
        if (returnTo == null || !returnTo.startsWith("/") || returnTo.startsWith("//") || returnTo.contains("\\")
                || returnTo.length() > 500 || returnTo.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
            return MemberConnectorsPath.PATH;
        }
        return returnTo;
    }
}
