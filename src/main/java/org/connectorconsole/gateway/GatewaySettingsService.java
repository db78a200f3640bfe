package org.connectorconsole.gateway;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.conversation.ConversationId;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.gateway.internal.GatewayRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The owners' control of the gateway: on or off (off until an owner switches it on), and its rate limits. While
 * it is off every gateway request is refused, whatever credential it carries.
 */
@Service
public class GatewaySettingsService {

    private final CurrentMember currentMember;
    private final GatewayRepository repository;
    private final AuditService audit;
    private final Clock clock;
    private final PublicAddress address;
    private final ConversationService conversations;

    GatewaySettingsService(CurrentMember currentMember, GatewayRepository repository, AuditService audit,
            Clock clock, PublicAddress address, ConversationService conversations) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
        this.address = address;
        this.conversations = conversations;
    }

    /** The signed-in member's own endpoint: every connector they may use in their active organization. */
    public String memberEndpoint() {
        Member member = currentMember.require();
        return GatewayEndpoints.resource(address.base(), GatewayEndpoints.memberPath(member.orgId(),
                member.userId()));
    }

    /** The endpoint of one of the signed-in member's conversations (only its switched-on connectors). */
    public String conversationEndpoint(UUID conversation) {
        Member member = currentMember.require();
        conversations.switchedOn(member, new ConversationId(conversation));
        return GatewayEndpoints.resource(address.base(), GatewayEndpoints.conversationPath(conversation));
    }

    /** The settings of the signed-in member's organization (any member may read them: they say what applies). */
    @Transactional(readOnly = true)
    public GatewaySettings current() {
        return of(currentMember.require().orgId());
    }

    /** An owner saves the settings; refused when someone else saved since {@code version} was read. */
    @Transactional
    public GatewaySettings save(boolean enabled, Integer memberCallsPerMinute, Integer connectorCallsPerMinute,
            int version) {
        Member owner = currentMember.requireOwner();
        check("memberCallsPerMinute", memberCallsPerMinute);
        check("connectorCallsPerMinute", connectorCallsPerMinute);
        GatewaySettings before = of(owner.orgId());
        if (!repository.saveSettings(owner.orgId(), enabled, memberCallsPerMinute, connectorCallsPerMinute,
                version, Times.utcNow(clock))) {
            throw new ConflictException("Another owner changed the gateway settings since you opened them. Nothing "
                    + "was saved: reload to see the change.");
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("before.enabled", String.valueOf(before.enabled()));
        details.put("before.memberCallsPerMinute", text(before.memberCallsPerMinute()));
        details.put("before.connectorCallsPerMinute", text(before.connectorCallsPerMinute()));
        details.put("after.enabled", String.valueOf(enabled));
        details.put("after.memberCallsPerMinute", text(memberCallsPerMinute));
        details.put("after.connectorCallsPerMinute", text(connectorCallsPerMinute));
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.GATEWAY_SETTINGS_UPDATED)
                .target("gateway", owner.orgId().toString(), owner.orgName()).details(details));
        return of(owner.orgId());
    }

    /** For the gateway's own checks (the caller is a bearer token, resolved already). */
    GatewaySettings of(OrganizationId orgId) {
        GatewayRepository.Settings s = repository.settings(orgId);
        return new GatewaySettings(s.enabled(), s.memberCallsPerMinute(), s.connectorCallsPerMinute(), s.version());
    }

    private static void check(String field, Integer perMinute) {
        if (perMinute != null && (perMinute < 1 || perMinute > GatewaySettings.MAX_PER_MINUTE)) {
            throw ValidationException.forField(field, "Enter a number of calls per minute from 1 to "
                    + GatewaySettings.MAX_PER_MINUTE + ", or leave it empty for no limit.");
        }
    }

    private static String text(Integer perMinute) {
        return perMinute == null ? "none" : perMinute.toString();
    }
}
