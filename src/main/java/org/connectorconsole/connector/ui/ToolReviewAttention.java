package org.connectorconsole.connector.ui;

import java.util.EnumSet;
import java.util.Optional;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.ui.NavAttention;
import org.connectorconsole.base.ui.NavAttentionCounts;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connectors item: how many tools wait for their review (new or changed), over all connectors. */
@Component
class ToolReviewAttention implements NavAttention {

    private final ToolPolicyService policies;
    private final CurrentMember currentMember;
    private final NavAttentionCounts counts;

    ToolReviewAttention(ToolPolicyService policies, CurrentMember currentMember, NavAttentionCounts counts) {
        this.policies = policies;
        this.currentMember = currentMember;
        this.counts = counts;
    }

    @Override
    public String path() {
        return "connectors";
    }

    @Override
    public Optional<Waiting> waiting() {
        var me = currentMember.require();
        if (!me.isOwner() || !me.plan().allowsCustomConnectors()) {
            return Optional.empty();
        }
        // kept per organization until a tool or connector changes (a connector removed takes its reviews along)
        long n = counts.count("tool-reviews", me.orgId(), EnumSet.of(LiveTopic.TOOLS, LiveTopic.CONNECTORS),
                () -> policies.pendingReviews().values().stream().mapToLong(Integer::longValue).sum());
        return n == 0 ? Optional.empty() : Optional.of(new Waiting(n, n == 1 ? "1 tool waits for your review"
                : n + " tools wait for your review"));
    }
}
