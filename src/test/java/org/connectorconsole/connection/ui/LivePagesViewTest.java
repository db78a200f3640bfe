package org.connectorconsole.connection.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Live pages subscribe while they are shown and unsubscribe when left: nothing stays behind. */
class LivePagesViewTest extends ViewTest {

    @Autowired
    LiveChanges live;

    @Test
    void pages_subscribe_on_attach_and_unsubscribe_on_detach() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.members().getFirst());
        navigate("account");
        int before = live.subscriberCount();

        navigate("settings/connectors");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(MemberConnectorsView.class);
        assertThat(live.subscriberCount()).isEqualTo(before + 1);
        navigate("account");
        assertThat(live.subscriberCount()).as("left: unsubscribed").isEqualTo(before);

        // the same page opened ten times, left each time, leaves nothing
        for (int i = 0; i < 10; i++) {
            navigate("settings/connectors");
            navigate("conversations");
        }
        assertThat(live.subscriberCount()).as("one page shown: one subscription").isEqualTo(before + 1);
        navigate("account");
        assertThat(live.subscriberCount()).isEqualTo(before);
    }

    @Test
    void an_owners_pages_subscribe_and_unsubscribe_too() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        navigate("account");
        int before = live.subscriberCount();
        navigate("organization/connections");
        assertThat(live.subscriberCount()).isEqualTo(before + 1);
        navigate("connectors");
        assertThat(live.subscriberCount()).isEqualTo(before + 1);
        navigate("account");
        assertThat(live.subscriberCount()).isEqualTo(before);
    }
}
