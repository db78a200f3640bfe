package org.connectorconsole.connection.ui;

import java.util.EnumSet;
import java.util.Optional;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.ui.NavAttention;
import org.connectorconsole.base.ui.NavAttentionCounts;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connections item: members an owner asked to (re)connect who have not done so yet. */
@Component
class ReconnectAttention implements NavAttention {

    private final ConnectionOverviewService overview;
    private final CurrentMember currentMember;
    private final NavAttentionCounts counts;

    ReconnectAttention(ConnectionOverviewService overview, CurrentMember currentMember, NavAttentionCounts counts) {
        this.overview = overview;
        this.currentMember = currentMember;
        this.counts = counts;
    }

    @Override
    public String path() {
        return "organization/connections";
    }

    @Override
    public Optional<Waiting> waiting() {
        var me = currentMember.require();
        if (!me.isOwner() || !me.plan().isOrganization()) {
            return Optional.empty();
        }
        // kept per organization until a connection (a request made or answered), a connector (switched off) or a
        // membership changes; who may use a connector through groups is told by no topic: at most the kept age
        long n = counts.count("reconnect-requests", me.orgId(), EnumSet.of(LiveTopic.CONNECTIONS,
                LiveTopic.CONNECTORS, LiveTopic.MEMBERS), overview::openReconnectRequests);
        return n == 0 ? Optional.empty() : Optional.of(new Waiting(n, n == 1
                ? "1 member you asked to reconnect has not yet" : n + " members you asked to reconnect have not yet"));
    }
}
