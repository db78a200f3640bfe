package org.connectorconsole.connector.ui;

import java.util.EnumSet;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.ui.CountedAttention;
import org.connectorconsole.base.ui.NavAttentionCounts;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connectors item: how many tools wait for their review (new or changed), over all connectors. */
@Component
class ToolReviewAttention extends CountedAttention {

    ToolReviewAttention(ToolPolicyService policies, CurrentMember currentMember, NavAttentionCounts counts) {
        super("connectors", () -> {
            var me = currentMember.require();
            return me.isOwner() && me.plan().allowsCustomConnectors();
        },
                // kept per organization until a tool or connector changes (a connector removed takes its reviews)
                () -> counts.count("tool-reviews", currentMember.require().orgId(),
                        EnumSet.of(LiveTopic.TOOLS, LiveTopic.CONNECTORS),
                        () -> policies.pendingReviews().values().stream().mapToLong(Integer::longValue).sum()),
                "1 tool waits for your review", "%d tools wait for your review");
    }
}
