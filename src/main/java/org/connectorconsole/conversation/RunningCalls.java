package org.connectorconsole.conversation;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.connectorconsole.base.UserId;
import org.connectorconsole.mcp.McpToolSession;

/**
 * The calls running on this instance: how many each member has, the open session of each, who follows each (the
 * page that started it, a reloaded page, another tab) and how to cancel it. Safe for concurrent use.
 */
final class RunningCalls {

    /** One call being followed: whether someone cancelled it, how to cancel it, and who hears about it. */
    record Tracked(AtomicBoolean cancelled, Runnable canceller, List<ToolCallListener> audience) {

        /** Whether the one who started the call can answer the server's requests for input. */
        boolean asksPeople() {
            return !audience.isEmpty() && audience.getFirst().answersInput();
        }
    }

    private final int maxPerMember;
    private final Map<UserId, AtomicInteger> perMember = new ConcurrentHashMap<>();
    private final Map<UUID, McpToolSession> sessions = new ConcurrentHashMap<>();
    private final Map<UUID, List<ToolCallListener>> watchers = new ConcurrentHashMap<>();
    private final Map<UUID, Runnable> cancellers = new ConcurrentHashMap<>();
    private final Map<UUID, InputRequest> asking = new ConcurrentHashMap<>();
    /** The connector each running call uses (an owner's kill switch stops all of a connector's calls). */
    private final Map<UUID, org.connectorconsole.connector.ConnectorId> connectorOf = new ConcurrentHashMap<>();
    /** Where each running call's connector was when the call started: its organization, name and address. */
    private final Map<UUID, Used> usedBy = new ConcurrentHashMap<>();
    /** Why a call was stopped by someone other than the member who started it (an owner disabled its connector). */
    private final Map<UUID, String> stopped = new ConcurrentHashMap<>();

    RunningCalls(int maxPerMember) {
        this.maxPerMember = maxPerMember;
    }

    /** Takes one of the member's places; false (and nothing taken) when they already have the most they may. */
    boolean reserve(UserId member) {
        boolean[] taken = {false};
        perMember.compute(member, (k, n) -> {
            int now = n == null ? 0 : n.get();
            if (now >= maxPerMember) {
                return n;
            }
            taken[0] = true;
            return new AtomicInteger(now + 1);
        });
        return taken[0];
    }

    /** Gives the place back; a member with none left is forgotten (the map holds only members with calls). */
    void release(UserId member) {
        perMember.computeIfPresent(member, (k, n) -> n.get() <= 1 ? null : new AtomicInteger(n.get() - 1));
    }

    /** Starts following a call, heard by {@code first}; cancelling it cancels its session once one is open. */
    Tracked track(UUID callId, ToolCallListener first) {
        AtomicBoolean cancelled = new AtomicBoolean();
        Runnable canceller = () -> {
            cancelled.set(true);
            // a request for input still open is answered (cancel) when the call ends (untrack), not here: an answer
            // now could let the server finish the call before the session is cancelled
            McpToolSession session = sessions.get(callId);
            if (session != null) {
                session.cancel();
            }
        };
        cancellers.put(callId, canceller);
        List<ToolCallListener> audience = new CopyOnWriteArrayList<>(List.of(first));
        watchers.put(callId, audience);
        return new Tracked(cancelled, canceller, audience);
    }

    /** A running call's connector as it was when the call started. */
    record Used(org.connectorconsole.base.OrganizationId orgId, org.connectorconsole.connector.ConnectorId connectorId,
            String name, String url) {
    }

    /** The call uses this connector of this organization, at this address (so it stops when an owner disables it). */
    void uses(UUID callId, Used used) {
        usedBy.put(callId, used);
        connectorOf.put(callId, used.connectorId());
    }

    /**
     * The connectors that calls running here use and that nobody has stopped yet: in {@code orgId}, or in every
     * organization when it is null. One entry per connector and address.
     */
    java.util.Set<Used> inUse(org.connectorconsole.base.OrganizationId orgId) {
        java.util.Set<Used> out = new java.util.HashSet<>();
        usedBy.forEach((callId, used) -> {
            if ((orgId == null || orgId.equals(used.orgId())) && !stopped.containsKey(callId)) {
                out.add(used);
            }
        });
        return out;
    }

    /**
     * Stops every call running here on the connector: each is cancelled as if its member had, and {@link #stopped}
     * then gives {@code reason}. Returns how many were stopped.
     */
    int stopConnector(org.connectorconsole.connector.ConnectorId connectorId, String reason) {
        int count = 0;
        for (Map.Entry<UUID, org.connectorconsole.connector.ConnectorId> e : connectorOf.entrySet()) {
            if (e.getValue().equals(connectorId) && stopped.putIfAbsent(e.getKey(), reason) == null) {
                cancel(e.getKey());
                count++;
            }
        }
        return count;
    }

    /** Why the call was stopped by an owner, or null when it was not. */
    String stopped(UUID callId) {
        return stopped.get(callId);
    }

    /** The call ended: nobody can follow or cancel it any more. */
    void untrack(UUID callId) {
        usedBy.remove(callId);
        connectorOf.remove(callId);
        stopped.remove(callId);
        cancellers.remove(callId);
        watchers.remove(callId);
        InputRequest pending = asking.remove(callId);
        if (pending != null) {
            pending.cancel();
        }
    }

    /** The call's server waits for {@code request} to be answered (null: no longer). */
    void asking(UUID callId, InputRequest request) {
        if (request == null) {
            asking.remove(callId);
        } else {
            asking.put(callId, request);
        }
    }

    /** The request the call's server waits on, if any (a page that starts following the call shows it too). */
    InputRequest asking(UUID callId) {
        return asking.get(callId);
    }

    void sessionOpened(UUID callId, McpToolSession session) {
        sessions.put(callId, session);
    }

    void sessionClosed(UUID callId) {
        sessions.remove(callId);
    }

    /** Adds a listener to a call running here; false when it is not (any more). */
    boolean watch(UUID callId, ToolCallListener listener) {
        List<ToolCallListener> audience = watchers.get(callId);
        if (audience == null) {
            return false;
        }
        audience.add(listener);
        InputRequest pending = asking.get(callId);
        if (pending != null && !pending.answered() && listener.answersInput()) {
            listener.inputRequested(pending);
        }
        return true;
    }

    void cancel(UUID callId) {
        Runnable canceller = cancellers.get(callId);
        if (canceller != null) {
            canceller.run();
        }
    }

    /** The instance stops: every open session is cancelled. */
    void cancelAll() {
        sessions.values().forEach(McpToolSession::cancel);
    }
}
