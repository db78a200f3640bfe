package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The console's Client ID Metadata Document, as a server that accepts URL client IDs fetches it. */
class ClientMetadataDocumentTest {

    @Test
    void served_over_https_it_names_itself_and_the_exact_redirect_uri() {
        ConsoleAddress address = new ConsoleAddress("https://console.example.com/", new MockEnvironment());
        var response = new OAuthCallbackController(null, address).clientMetadata();
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        var doc = response.getBody();
        assertThat(doc).containsEntry("client_id", "https://console.example.com/oauth/client-metadata.json")
                .containsEntry("redirect_uris", List.of("https://console.example.com/connectors/oauth/callback"))
                .containsEntry("token_endpoint_auth_method", "none")
                .containsEntry("grant_types", List.of("authorization_code", "refresh_token"));
        assertThat(address.clientMetadataDocument()).hasValue((String) doc.get("client_id"));
    }

    @Test
    void over_plain_http_there_is_no_document() {
        ConsoleAddress address = new ConsoleAddress("http://console.internal", new MockEnvironment());
        assertThat(new OAuthCallbackController(null, address).clientMetadata().getStatusCode().value())
                .isEqualTo(404);
        assertThat(address.clientMetadataDocument()).isEmpty();
    }

    @Test
    void return_paths_stay_inside_the_console() {
        assertThat(ConnectionService.safeReturn("/settings/connectors")).isEqualTo("/settings/connectors");
        for (String outside : new String[] {"https://evil.example", "//evil.example/x", "/\\\\evil.example",
                "javascript:alert(1)", "/x y", null}) {
            assertThat(ConnectionService.safeReturn(outside)).as(String.valueOf(outside))
                    .isEqualTo("/settings/connectors");
        }
    }
}
