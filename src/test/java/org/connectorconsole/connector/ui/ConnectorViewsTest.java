package org.connectorconsole.connector.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.github.mvysny.kaributesting.v10.GridKt;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.concurrent.CompletableFuture;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.Diagnosis;
import java.time.Duration;
import java.time.Instant;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ui.NotAllowedView;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ConnectorViewsTest extends ViewTest {

    static TestMcpServer server;
    static TestMcpServer spoofing;

    @Autowired
    ConnectorService connectors;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().streamable("/mcp", "view-server", TestMcpServer.echoTool());
        // a server that names itself and describes its tool with characters a reader cannot see (the SDK refuses
        // them in tool names)
        McpSchema.Tool tool = McpSchema.Tool.builder("read_file").description("Reads\u2066 a file\uFEFF")
                .inputSchema(java.util.Map.of("type", "object")).build();
        spoofing = new TestMcpServer().streamable("/spoof", "pay\u202Eexe.gpj",
                new io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification(tool,
                        (exchange, request) -> McpSchema.CallToolResult.builder().build()));
    }

    @AfterAll
    static void stop() {
        server.close();
        spoofing.close();
    }

    @Test
    void team_owner_sees_an_empty_state_that_says_what_to_do() {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        navigate("connectors");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(ConnectorsView.class);
        assertThat(_get(Span.class, spec -> spec.withText("Organization settings"))).isNotNull();
        assertThat(_get(Div.class, spec -> spec.withId("connectors-empty")).isVisible()).isTrue();
        assertThat(_find(Grid.class, spec -> spec.withId("connectors"))).as("no empty grid").isEmpty();
        assertThat(_get(Button.class, spec -> spec.withId("add-connector")).getText()).isEqualTo("Add custom connector");
    }

    @Test
    void pro_individual_manages_own_connectors_under_settings() {
        Org org = orgs.create(Plan.PRO, 0);
        signIn(org.owner());
        navigate("connectors");
        assertThat(_get(Span.class, spec -> spec.withText("Settings"))).isNotNull();
    }

    @Test
    void free_individual_is_told_about_paid_plans_and_gets_no_form() {
        Org org = orgs.create(Plan.FREE, 0);
        signIn(org.owner());
        navigate("connectors");
        assertThat(_get(Div.class, spec -> spec.withId("paid-plan-needed"))).isNotNull();
        assertThat(_find(Button.class, spec -> spec.withId("add-connector"))).isEmpty();
    }

    @Test
    void member_cannot_open_the_connectors_pages() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        signIn(org.members().getFirst());
        navigate("connectors");
        assertThat(_find(NotAllowedView.class)).hasSize(1);
        navigate("connectors/" + c.id());
        assertThat(_find(NotAllowedView.class)).hasSize(1);
    }

    @Test
    void add_dialog_explains_a_bad_url_keeps_what_was_typed_and_then_adds() {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        navigate("connectors");
        _click(_get(Button.class, spec -> spec.withId("add-connector")));
        TextField url = _get(TextField.class, spec -> spec.withId("connector-url"));
        TextField name = _get(TextField.class, spec -> spec.withId("connector-name"));
        url.setValue("http://mcp.example.com/mcp");
        name.setValue("Example");
        _get(TextField.class, spec -> spec.withId("connector-client-id")).setValue("");
        _get(PasswordField.class, spec -> spec.withId("connector-client-secret")).setValue("orphan-secret");
        _click(_get(Button.class, spec -> spec.withId("connector-save")));
        assertThat(url.isInvalid()).isTrue();
        assertThat(url.getErrorMessage()).contains("https://");
        assertThat(_get(TextField.class, spec -> spec.withId("connector-client-id")).getErrorMessage())
                .contains("needs its client ID");
        assertThat(_get(Details.class, spec -> spec.withId("connector-advanced")).isOpened()).isTrue();
        assertThat(name.getValue()).as("nothing typed is lost").isEqualTo("Example");
        assertThat(connectors.list()).isEmpty();

        url.setValue(server.url("/mcp"));
        _get(PasswordField.class, spec -> spec.withId("connector-client-secret")).setValue("");
        _click(_get(Button.class, spec -> spec.withId("connector-save")));
        assertThat(connectors.list()).extracting(Connector::name).containsExactly("Example");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(ConnectorView.class);
    }

    @Test
    void detail_page_shows_the_doctor_steps_as_they_arrive_and_the_tools() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        navigate("connectors/" + c.id());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!_find(Div.class, spec -> spec.withId("doctor-running")).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            MockVaadin.clientRoundtrip(false);
        }
        assertThat(_find(Div.class, spec -> spec.withId("doctor-running"))).as("check finished").isEmpty();
        // address, transport, protocol revision, session, tools
        assertThat(_find(com.vaadin.flow.component.orderedlayout.HorizontalLayout.class,
                spec -> spec.withClasses("console-step"))).hasSize(5);
        assertThat(_get(Grid.class, spec -> spec.withId("tools")).isVisible()).isTrue();
        assertThat(connectors.get(c.id()).lastCheck().tools()).hasSize(1);
    }

    @Test
    void owner_of_another_organization_gets_not_found_for_a_foreign_connector() {
        Org acme = orgs.create(Plan.TEAM, 0);
        signIn(acme.owner());
        Connector c = connectors.add(ConnectorForm.of("Acme", server.url("/mcp")));
        Org other = orgs.create(Plan.TEAM, 0);
        signIn(other.owner());
        navigate("connectors/" + c.id());
        assertThat(UI.getCurrent().getCurrentView()).isNotInstanceOf(ConnectorView.class);
        assertThat(_find(org.connectorconsole.base.ui.MissingView.class)).hasSize(1);
        navigate("connectors/not-an-id");
        assertThat(_find(org.connectorconsole.base.ui.MissingView.class)).hasSize(1);
    }

    /** Typed text with invisible or direction characters is refused at the service, naming the character. */
    @Test
    void connector_name_and_url_with_hidden_characters_are_refused_with_the_reason() {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        assertThat(refusal(ConnectorForm.of("Payroll\u202Egpj.exe", server.url("/mcp"))).get("name"))
                .contains("invisible or text-direction characters").contains("U+202E");
        assertThat(refusal(ConnectorForm.of("Zero width", server.url("/m\u200Bcp"))).get("url"))
                .contains("invisible or text-direction character").contains("U+200B");
        assertThat(refusal(ConnectorForm.of("Isolate\u2066", server.url("/mcp"))).get("name")).contains("U+2066");
        assertThat(refusal(ConnectorForm.of("Mark\uFEFF", server.url("/mcp"))).get("name")).contains("U+FEFF");
        assertThat(connectors.list()).isEmpty();
    }

    /**
     * What a server says about itself and its tools reaches the owner's page with hidden characters written out:
     * a server named "pay\u202Eexe.gpj" does not read as "payjpg.exe".
     */
    @Test
    void detail_page_shows_server_provided_text_with_hidden_characters_escaped() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Spoof", spoofing.url("/spoof")));
        CompletableFuture<Diagnosis> checked = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        assertThat(checked.get(60, java.util.concurrent.TimeUnit.SECONDS).outcome())
                .isEqualTo(Diagnosis.Outcome.READY);
        navigate("connectors/" + c.id());
        String steps = _find(Span.class).stream().map(Span::getText).reduce("", (a, b) -> a + "\n" + b);
        assertThat(steps).contains("pay\\u{202E}exe.gpj").doesNotContain("\u202E");
        @SuppressWarnings("unchecked")
        Grid<Object> tools = _get(Grid.class, spec -> spec.withId("tools"));
        assertThat(GridKt._getFormattedRow(tools, 0))
                .containsExactly("read_file", "Reads\\u{2066} a file\\u{FEFF}");
    }

    private java.util.Map<String, String> refusal(ConnectorForm form) {
        try {
            connectors.add(form);
        } catch (ValidationException e) {
            return e.fieldErrors();
        }
        throw new AssertionError("accepted: " + form.name() + " " + form.url());
    }
}
