package org.connectorconsole.connector.ui;

import java.util.Optional;
import org.connectorconsole.base.ui.NavAttention;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.security.CurrentMember;
import org.springframework.stereotype.Component;

/** The owners' Connectors item: how many tools wait for their review (new or changed), over all connectors. */
@Component
class ToolReviewAttention implements NavAttention {

    private final ToolPolicyService policies;
    private final CurrentMember currentMember;

    ToolReviewAttention(ToolPolicyService policies, CurrentMember currentMember) {
        this.policies = policies;
        this.currentMember = currentMember;
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
        long n = policies.pendingReviews().values().stream().mapToLong(Integer::longValue).sum();
        return n == 0 ? Optional.empty() : Optional.of(new Waiting(n, n == 1 ? "1 tool waits for your review"
                : n + " tools wait for your review"));
    }
}
