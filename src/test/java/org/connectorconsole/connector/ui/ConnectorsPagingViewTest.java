package org.connectorconsole.connector.ui;

import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.AbstractField;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.BulkRows;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Connectors page shows 50 rows, "Show 50 more", and a search that explains no match and bad text (the Members
 * page's twin is {@code organization.ui.MembersPagingViewTest}).
 */
class ConnectorsPagingViewTest extends ViewTest {

    @Autowired
    DSLContext db;

    @Test
    void connectors_page_shows_fifty_then_more_and_searches() {
        Org org = orgs.create(Plan.TEAM, 0);
        BulkRows.connectors(db, org, 70);
        signIn(org.owner());
        navigate("connectors");
        assertThat(_get(Paragraph.class, spec -> spec.withId("connector-count")).getText()).isEqualTo("70 connectors");
        assertThat(_size(gridWithId("connectors"))).isEqualTo(50);
        _click(_get(Button.class, spec -> spec.withId("connectors-more")));
        assertThat(_size(gridWithId("connectors"))).isEqualTo(70);
        assertThat(shown("connectors-more")).isFalse();

        TextField search = _get(TextField.class, spec -> spec.withId("connector-search"));
        typeInto(search, "same NAME");
        assertThat(_size(gridWithId("connectors"))).isEqualTo(17);
        typeInto(search, "nothing-like-this");
        assertThat(_get(Div.class, spec -> spec.withId("no-connector-match")).getText())
                .isEqualTo("No connector's name or URL contains \u201cnothing-like-this\u201d.");
        typeInto(search, "a\u0007b");
        assertThat(search.isInvalid()).isTrue();
        assertThat(search.getErrorMessage()).isEqualTo("Search text cannot hold control characters.");
    }

    @Test
    void an_empty_connectors_page_says_what_to_do_and_hides_the_search() {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        navigate("connectors");
        assertThat(shown("connectors-empty")).isTrue();
        assertThat(shown("connector-search")).isFalse();
        assertThat(shown("connectors-more")).isFalse();
    }
}
