package org.connectorconsole.oauth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The connect flow judges every address an authorization server hands back before a member is sent anywhere and
 * before anything is registered: the same policy, and the same sentence, as the connection doctor.
 */
class AuthorizationTargetsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "authorization_endpoint | javascript:alert(document.cookie)",
        "authorization_endpoint | http://169.254.169.254/latest/meta-data/",
        "token_endpoint         | https://[::ffff:127.0.0.1]:9/token",
        "token_endpoint         | [::ffff:127.0.0.1]",
        "registration_endpoint  | https://169.254.169.254/register",
        "revocation_endpoint    | https://192.168.1.1/revoke",
        "jwks_uri               | https://[::ffff:10.0.0.1]/jwks"})
    void connecting_refuses_a_server_address_the_policy_refuses_naming_field_and_address(String field,
            String address) {
        try (TestMcpServer hostile = new TestMcpServer().protectedEndpointPointing("/mcp", field, address);
                EgressClient egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(),
                        HostResolver.SYSTEM)) {
            assertThatThrownBy(() -> AuthorizationTargets.discover(egress, URI.create(hostile.url("/mcp")),
                    Duration.ofSeconds(10)))
                    .isInstanceOf(OAuthFlowException.class)
                    .hasMessageContaining(field + " " + address)
                    .hasMessageContaining("refuse");
        }
    }
}
