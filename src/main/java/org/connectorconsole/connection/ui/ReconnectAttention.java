package org.connectorconsole.connection.ui;

import java.util.EnumSet;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.ui.CountedAttention;
import org.connectorconsole.base.ui.NavAttentionCounts;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connections item: members an owner asked to (re)connect who have not done so yet. */
@Component
class ReconnectAttention extends CountedAttention {

    ReconnectAttention(ConnectionOverviewService overview, CurrentMember currentMember, NavAttentionCounts counts) {
        super("organization/connections", () -> {
            var me = currentMember.require();
            return me.isOwner() && me.plan().isOrganization();
        },
                // kept per organization until a connection (a request made or answered), a connector (switched off)
                // or a membership changes; who may use a connector through groups is told by no topic: at most the
                // kept age
                () -> counts.count("reconnect-requests", currentMember.require().orgId(),
                        EnumSet.of(LiveTopic.CONNECTIONS, LiveTopic.CONNECTORS, LiveTopic.MEMBERS),
                        overview::openReconnectRequests),
                "1 member you asked to reconnect has not yet", "%d members you asked to reconnect have not yet");
    }
}
