package org.connectorconsole.conversation;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.ConnectorUnavailableException;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.SessionOptions;
import org.connectorconsole.security.Member;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Opens MCP sessions for tool listings and tool calls through the member's own connection, at most
 * {@code console.tools.max-concurrent} at once on this instance, so a flood of calls cannot exhaust the machine.
 * The slot is given back when the session closes.
 */
@Component
class ToolSessions {

    private final ConnectionService connections;
    private final Duration callTimeout;
    private final Semaphore slots;

    ToolSessions(ConnectionService connections,
            @Value("${console.tools.call-timeout:120s}") Duration callTimeout,
            @Value("${console.tools.max-concurrent:64}") int maxConcurrent) {
        this.connections = connections;
        this.callTimeout = callTimeout;
        this.slots = new Semaphore(maxConcurrent);
    }

    /** How long a call may wait for the server's answer. */
    Duration callTimeout() {
        return callTimeout;
    }

    McpToolSession open(Member member, ConnectorId connectorId) throws ConnectorUnavailableException {
        return open(member, connectorId, SessionOptions.NONE);
    }

    /** As {@link #open(Member, ConnectorId)}, with {@code options} (who answers the server's input requests). */
    McpToolSession open(Member member, ConnectorId connectorId, SessionOptions options)
            throws ConnectorUnavailableException {
        if (!slots.tryAcquire()) {
            throw new ConnectorUnavailableException("The console is busy with many tool calls; try again in a "
                    + "moment.", false);
        }
        try {
            return connections.openSession(member, connectorId, callTimeout, options).whenClosed(slots::release);
        } catch (ConnectorUnavailableException | RuntimeException e) {
            slots.release();
            throw e;
        }
    }
}
