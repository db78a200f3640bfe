package org.connectorconsole.auditlog.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.audit.AuditEvent;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ui.NotAllowedView;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class AuditLogViewTest extends ViewTest {

    @Test
    void owner_sees_events_filters_to_nothing_with_an_empty_state_and_gets_a_token_once() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        navigate("organization/audit");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(AuditLogView.class);
        @SuppressWarnings("unchecked")
        Grid<AuditEvent> grid = _get(Grid.class, spec -> spec.withId("audit-events"));
        assertThat(GridKt._size(grid)).isPositive();
        assertThat(GridKt._get(grid, 0).action()).isEqualTo("session.signed_in");

        @SuppressWarnings("unchecked")
        ComboBox<String> action = _get(ComboBox.class, spec -> spec.withId("filter-action"));
        action.setValue("session.signed_in");
        _click(_get(Button.class, spec -> spec.withId("filter-apply")));
        assertThat(GridKt._size(grid)).isPositive();
        for (int i = 0; i < GridKt._size(grid); i++) {
            assertThat(GridKt._get(grid, i).action()).isEqualTo("session.signed_in");
        }
        action.clear();

        _get(TextField.class, spec -> spec.withId("filter-search")).setValue("no-such-thing-anywhere");
        _click(_get(Button.class, spec -> spec.withId("filter-apply")));
        assertThat(_get(Div.class, spec -> spec.withId("audit-empty")).getElement().getTextRecursively())
                .contains("No events match this filter");

        _click(_get(Button.class, spec -> spec.withId("new-token")));
        _get(TextField.class, spec -> spec.withId("token-name")).setValue("SIEM");
        _click(_get(Button.class, spec -> spec.withId("token-create")));
        String secret = _get(TextField.class, spec -> spec.withId("token-secret")).getValue();
        assertThat(secret).startsWith("ccat_");
        assertThat(_find(Grid.class, spec -> spec.withId("api-tokens"))).hasSize(1);
    }

    @Test
    void a_member_cannot_open_the_audit_log() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.members().getFirst());
        navigate("organization/audit");
        assertThat(UI.getCurrent().getCurrentView()).isNotInstanceOf(AuditLogView.class);
        assertThat(_find(NotAllowedView.class)).hasSize(1);
    }

    @Autowired
    org.connectorconsole.audit.AuditService audit;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;
    @Autowired
    org.connectorconsole.security.CurrentMember currentMember;

    @Test
    void addresses_read_compactly() {
        Org acme = orgs.create(Plan.TEAM, 0);
        orgs.signIn(acme.owner());
        var me = currentMember.require();
        for (String address : new String[] {"0:0:0:0:0:0:0:1", "0:0:0:0:0:ffff:c000:0207"}) {
            org.connectorconsole.base.TestRequestOrigin.with(address, () -> tx.executeWithoutResult(s -> audit.record(
                    org.connectorconsole.audit.AuditRecord.of(me.orgId(), me.actor(),
                            org.connectorconsole.audit.AuditAction.AUDIT_EXPORTED))));
        }
        signIn(acme.owner());
        navigate("organization/audit");
        @SuppressWarnings("unchecked")
        Grid<AuditEvent> grid = _get(Grid.class, spec -> spec.withId("audit-events"));
        java.util.List<Integer> exports = new java.util.ArrayList<>(); // newest first
        for (int i = 0; i < GridKt._size(grid); i++) {
            if (GridKt._get(grid, i).action().equals("audit.exported")) {
                exports.add(i);
            }
        }
        assertThat(exports).hasSize(2);
        assertThat(GridKt._get(grid, exports.get(0)).clientAddress()).as("stored as it came")
                .isEqualTo("0:0:0:0:0:ffff:c000:0207");
        assertThat(GridKt._getFormattedRow(grid, exports.get(0))).contains("192.0.2.7")
                .doesNotContain("0:0:0:0:0:ffff:c000:0207");
        assertThat(GridKt._getFormattedRow(grid, exports.get(1))).contains("::1").doesNotContain("0:0:0:0:0:0:0:1");
    }
}
