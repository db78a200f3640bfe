package org.connectorconsole.connector.ui;

import org.connectorconsole.base.ui.CountedAttention;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connectors item: how many tools wait for their review (new or changed), over all connectors. */
@Component
class ToolReviewAttention extends CountedAttention {

    ToolReviewAttention(ToolPolicyService policies, CurrentMember currentMember) {
        super("connectors", () -> {
            var me = currentMember.require();
            return me.isOwner() && me.plan().allowsCustomConnectors();
        }, () -> policies.pendingReviews().values().stream().mapToLong(Integer::longValue).sum(),
                "1 tool waits for your review", "%d tools wait for your review");
    }
}
