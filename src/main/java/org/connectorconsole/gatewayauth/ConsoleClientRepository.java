package org.connectorconsole.gatewayauth;

import java.util.Set;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/**
 * The clients of the console's authorization server: dynamically registered ones (stored by Spring's JDBC
 * repository) and clients whose id is the URL of their metadata document (fetched, checked and stored by
 * {@link ClientMetadataDocuments}). Whatever a client asked for, the console's rules apply to every client: the
 * authorization code grant with PKCE and refresh tokens only, consent required, opaque access tokens of a few
 * minutes, refresh tokens rotated on every use.
 */
@Component
class ConsoleClientRepository implements RegisteredClientRepository {

    private final JdbcRegisteredClientRepository jdbc;
    private final ClientMetadataDocuments documents;
    private final AuthorizationServerConfiguration.Lifetimes lifetimes;

    ConsoleClientRepository(JdbcOperations jdbcOperations, ClientMetadataDocuments documents,
            AuthorizationServerConfiguration.Lifetimes lifetimes) {
        this.jdbc = new JdbcRegisteredClientRepository(jdbcOperations);
        this.documents = documents;
        this.lifetimes = lifetimes;
    }

    static boolean isMetadataDocumentClient(String clientId) {
        return clientId != null && (clientId.startsWith("https://") || clientId.startsWith("http://"));
    }

    @Override
    public void save(RegisteredClient client) {
        jdbc.save(withConsoleRules(client));
    }

    @Override
    public RegisteredClient findById(String id) {
        RegisteredClient client = jdbc.findById(id);
        return client == null ? null : withConsoleRules(client);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        if (clientId == null || clientId.length() > ClientMetadataDocuments.MAX_URL) {
            return null;
        }
        if (isMetadataDocumentClient(clientId)) {
            RegisteredClient stored = jdbc.findByClientId(clientId);
            RegisteredClient current = documents.client(clientId, stored);
            if (current == null) {
                return null;
            }
            if (stored == null || !stored.getRedirectUris().equals(current.getRedirectUris())
                    || !stored.getClientName().equals(current.getClientName())) {
                jdbc.save(withConsoleRules(current));
            }
            return withConsoleRules(current);
        }
        RegisteredClient client = jdbc.findByClientId(clientId);
        return client == null ? null : withConsoleRules(client);
    }

    RegisteredClient withConsoleRules(RegisteredClient client) {
        return RegisteredClient.from(client)
                .authorizationGrantTypes(types -> {
                    types.clear();
                    types.addAll(Set.of(AuthorizationGrantType.AUTHORIZATION_CODE, AuthorizationGrantType.REFRESH_TOKEN));
                })
                .clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
                        .requireProofKey(true)
                        .requireAuthorizationConsent(true)
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.REFERENCE)
                        .accessTokenTimeToLive(lifetimes.accessToken())
                        .refreshTokenTimeToLive(lifetimes.refreshToken())
                        .authorizationCodeTimeToLive(lifetimes.authorizationCode())
                        .reuseRefreshTokens(false)
                        .build())
                .build();
    }
}
