package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.organization.SetupService.SetupRequest;
import org.junit.jupiter.api.Test;

/** Forms that carry secrets end up in log lines and exception messages through toString: it must not print them. */
class SecretsNotPrintedTest {

    @Test
    void connector_form_hides_its_client_secret() {
        var form = new ConnectorForm("Files", "https://mcp.example.com/mcp", "client-1", "s3cr3t-value-XYZ", false);
        assertThat(form.toString()).doesNotContain("s3cr3t-value-XYZ").contains("(hidden)", "client-1");
        assertThat(new ConnectorForm("Files", "https://mcp.example.com/mcp", null, "", false).toString())
                .contains("clientSecret=none");
    }

    @Test
    void setup_request_hides_code_and_passwords() {
        var request = new SetupRequest("CODE-4711-ABCD", "Acme", Plan.TEAM, "Ada", "ada@acme.example",
                "pw-first-secret", "pw-second-secret");
        assertThat(request.toString()).doesNotContain("CODE-4711-ABCD", "pw-first-secret", "pw-second-secret")
                .contains("Acme", "ada@acme.example");
    }
}
