package org.connectorconsole.connection.ui;

import org.connectorconsole.base.ui.CountedAttention;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connections item: members an owner asked to (re)connect who have not done so yet. */
@Component
class ReconnectAttention extends CountedAttention {

    ReconnectAttention(ConnectionOverviewService overview, CurrentMember currentMember) {
        super("organization/connections", () -> {
            var me = currentMember.require();
            return me.isOwner() && me.plan().isOrganization();
        }, overview::openReconnectRequests,
                "1 member you asked to reconnect has not yet", "%d members you asked to reconnect have not yet");
    }
}
