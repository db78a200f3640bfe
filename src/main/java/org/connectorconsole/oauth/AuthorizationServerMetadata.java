package org.connectorconsole.oauth;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * RFC 8414 / OpenID Connect discovery metadata of an authorization server, as fetched from {@code source}. Each
 * address is the egress policy's normalised form of what the server wrote, or null when the server named none or
 * the policy refuses it; {@code refusedAddresses} says which were refused and why.
 */
public record AuthorizationServerMetadata(
        URI source,
        String issuer,
        URI authorizationEndpoint,
        URI tokenEndpoint,
        URI registrationEndpoint,
        URI revocationEndpoint,
        URI jwksUri,
        List<String> codeChallengeMethodsSupported,
        List<String> tokenEndpointAuthMethodsSupported,
        List<String> scopesSupported,
        boolean clientIdMetadataDocumentSupported,
        boolean authorizationResponseIssParameterSupported,
        List<AddressRefusal> refusedAddresses) {

    public AuthorizationServerMetadata {
        refusedAddresses = List.copyOf(refusedAddresses);
    }

    /** Metadata whose addresses were all accepted (tests, and servers described in code). */
    public AuthorizationServerMetadata(URI source, String issuer, URI authorizationEndpoint, URI tokenEndpoint,
            URI registrationEndpoint, URI revocationEndpoint, List<String> codeChallengeMethodsSupported,
            List<String> tokenEndpointAuthMethodsSupported, List<String> scopesSupported,
            boolean clientIdMetadataDocumentSupported, boolean authorizationResponseIssParameterSupported) {
        this(source, issuer, authorizationEndpoint, tokenEndpoint, registrationEndpoint, revocationEndpoint, null,
                codeChallengeMethodsSupported, tokenEndpointAuthMethodsSupported, scopesSupported,
                clientIdMetadataDocumentSupported, authorizationResponseIssParameterSupported, List.of());
    }

    public boolean supportsS256() {
        return codeChallengeMethodsSupported.contains("S256");
    }

    /** Why the policy refused the address in {@code field}, if it did. */
    public Optional<AddressRefusal> refusal(String field) {
        return refusedAddresses.stream().filter(r -> r.field().equals(field)).findFirst();
    }
}
