package org.connectorconsole.connection.ui;

import java.util.Optional;
import org.connectorconsole.base.ui.NavAttention;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connections item: members an owner asked to (re)connect who have not done so yet. */
@Component
class ReconnectAttention implements NavAttention {

    private final ConnectionOverviewService overview;
    private final CurrentMember currentMember;

    ReconnectAttention(ConnectionOverviewService overview, CurrentMember currentMember) {
        this.overview = overview;
        this.currentMember = currentMember;
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
        long n = overview.openReconnectRequests();
        return n == 0 ? Optional.empty() : Optional.of(new Waiting(n, n == 1
                ? "1 member you asked to reconnect has not yet" : n + " members you asked to reconnect have not yet"));
    }
}
