package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.connector.ToolPolicy.ALLOWED;
import static org.connectorconsole.connector.ToolPolicy.BLOCKED;
import static org.connectorconsole.connector.ToolPolicy.NEEDS_APPROVAL;

import java.util.List;
import org.connectorconsole.connector.ToolAccessRules.ConnectorRules;
import org.connectorconsole.connector.ToolAccessRules.Grant;
import org.connectorconsole.connector.ToolAccessRules.ToolRules;
import org.junit.jupiter.api.Test;

/** The one function that decides a member's mode for a tool, and the reason it gives (decision 0053). */
class ToolAccessRulesTest {

    private static final ConnectorId ID = ConnectorId.random();

    private static ConnectorRules connector(ToolPolicy ceiling, ToolPolicy everyone, boolean readOnlyAllowed) {
        return new ConnectorRules(ID, "Files", true, true, true, ceiling, everyone, readOnlyAllowed);
    }

    private static ToolRules tool(ToolPolicy ceiling) {
        return new ToolRules("delete", ceiling, false, ConnectorTool.Review.APPROVED);
    }

    @Test
    void without_groups_everyone_gets_the_tool_policy_as_before() {
        assertThat(ToolAccessRules.decide(connector(ALLOWED, ALLOWED, false), tool(NEEDS_APPROVAL), List.of()))
                .isEqualTo(new EffectiveMode(NEEDS_APPROVAL,
                        "Allowed for everyone, capped at Needs approval by the organization."));
        assertThat(ToolAccessRules.decide(connector(ALLOWED, ALLOWED, false), tool(ALLOWED), List.of()))
                .isEqualTo(new EffectiveMode(ALLOWED, "Allowed for everyone."));
    }

    @Test
    void a_member_in_two_groups_gets_the_most_permissive_grant_then_the_ceiling() {
        ConnectorRules files = connector(ALLOWED, BLOCKED, false);
        List<Grant> grants = List.of(new Grant("Engineering", "", ALLOWED), new Grant("Sales", "", NEEDS_APPROVAL));
        assertThat(ToolAccessRules.decide(files, tool(ALLOWED), grants)).isEqualTo(new EffectiveMode(ALLOWED,
                "Allowed for Engineering (the most permissive grant wins over Sales: Needs approval)."));
        assertThat(ToolAccessRules.decide(files, tool(NEEDS_APPROVAL), grants)).isEqualTo(new EffectiveMode(
                NEEDS_APPROVAL, "Allowed for Engineering, capped at Needs approval by the organization (the most "
                        + "permissive grant wins over Sales: Needs approval)."));
        assertThat(ToolAccessRules.decide(connector(NEEDS_APPROVAL, BLOCKED, false), tool(ALLOWED),
                List.of(new Grant("Engineering", "", ALLOWED))).mode())
                .as("the connector's ceiling caps too").isEqualTo(NEEDS_APPROVAL);
    }

    @Test
    void a_groups_tool_grant_overrides_its_connector_grant_but_not_another_groups() {
        ConnectorRules files = connector(ALLOWED, BLOCKED, false);
        assertThat(ToolAccessRules.decide(files, tool(ALLOWED), List.of(new Grant("Engineering", "", ALLOWED),
                new Grant("Engineering", "delete", BLOCKED)))).isEqualTo(new EffectiveMode(BLOCKED,
                "Blocked for Engineering."));
        assertThat(ToolAccessRules.decide(files, tool(ALLOWED), List.of(new Grant("Engineering", "delete", BLOCKED),
                new Grant("Support", "", NEEDS_APPROVAL))).mode()).isEqualTo(NEEDS_APPROVAL);
    }

    @Test
    void read_only_tools_are_allowed_by_the_owners_setting_under_the_ceiling() {
        ToolRules read = new ToolRules("list", ALLOWED, true, ConnectorTool.Review.APPROVED);
        assertThat(ToolAccessRules.decide(connector(ALLOWED, BLOCKED, true), read, List.of()))
                .isEqualTo(new EffectiveMode(ALLOWED, "Allowed as a read-only tool (an owner allows read-only "
                        + "tools)."));
        assertThat(ToolAccessRules.decide(connector(ALLOWED, BLOCKED, false), read, List.of()).mode())
                .as("setting off").isEqualTo(BLOCKED);
        assertThat(ToolAccessRules.decide(connector(NEEDS_APPROVAL, BLOCKED, true), read, List.of()).mode())
                .as("under the ceiling").isEqualTo(NEEDS_APPROVAL);
        assertThat(ToolAccessRules.decide(connector(ALLOWED, BLOCKED, true), tool(ALLOWED), List.of()).mode())
                .as("a tool not marked read-only").isEqualTo(BLOCKED);
    }

    @Test
    void held_tools_disabled_connectors_and_other_groups_connectors_are_blocked_whatever_is_granted() {
        List<Grant> all = List.of(new Grant("Engineering", "", ALLOWED));
        assertThat(ToolAccessRules.decide(connector(ALLOWED, ALLOWED, true),
                new ToolRules("delete", ALLOWED, true, ConnectorTool.Review.NEW), all))
                .satisfies(m -> assertThat(m.mode()).isEqualTo(BLOCKED))
                .satisfies(m -> assertThat(m.reason()).contains("held for an owner's review"));
        assertThat(ToolAccessRules.decide(connector(ALLOWED, ALLOWED, true),
                new ToolRules("delete", ALLOWED, true, ConnectorTool.Review.CHANGED), all).mode()).isEqualTo(BLOCKED);
        assertThat(ToolAccessRules.decide(new ConnectorRules(ID, "Files", false, true, true, ALLOWED, ALLOWED, false),
                tool(ALLOWED), all)).satisfies(m -> assertThat(m.mode()).isEqualTo(BLOCKED))
                .satisfies(m -> assertThat(m.reason()).startsWith("Disabled by an owner"));
        assertThat(ToolAccessRules.decide(new ConnectorRules(ID, "Files", true, false, false, ALLOWED, ALLOWED, false),
                tool(ALLOWED), all)).satisfies(m -> assertThat(m.mode()).isEqualTo(BLOCKED))
                .satisfies(m -> assertThat(m.reason()).contains("only to chosen groups"));
    }
}
