package org.connectorconsole.oauth;

import java.net.URI;
import java.util.List;

/** RFC 8414 / OpenID Connect discovery metadata of an authorization server, as fetched from {@code source}. */
public record AuthorizationServerMetadata(
        URI source,
        String issuer,
        URI authorizationEndpoint,
        URI tokenEndpoint,
        URI registrationEndpoint,
        URI revocationEndpoint,
        List<String> codeChallengeMethodsSupported,
        List<String> tokenEndpointAuthMethodsSupported,
        List<String> scopesSupported,
        boolean clientIdMetadataDocumentSupported,
        boolean authorizationResponseIssParameterSupported) {

    public boolean supportsS256() {
        return codeChallengeMethodsSupported.contains("S256");
    }
}
