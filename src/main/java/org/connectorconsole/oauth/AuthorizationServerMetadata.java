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
        List<AddressRefusal> refusedAddresses,
        List<String> grantTypesSupported) {

    /** RFC 7523's JWT bearer grant: how an ID-JAG is redeemed (enterprise-managed authorization). */
    public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public AuthorizationServerMetadata {
        refusedAddresses = List.copyOf(refusedAddresses);
        grantTypesSupported = grantTypesSupported == null ? List.of() : List.copyOf(grantTypesSupported);
    }

    /** Metadata that lists no grant types (RFC 8414's default: authorization code and implicit). */
    public AuthorizationServerMetadata(URI source, String issuer, URI authorizationEndpoint, URI tokenEndpoint,
            URI registrationEndpoint, URI revocationEndpoint, URI jwksUri, List<String> codeChallengeMethodsSupported,
            List<String> tokenEndpointAuthMethodsSupported, List<String> scopesSupported,
            boolean clientIdMetadataDocumentSupported, boolean authorizationResponseIssParameterSupported,
            List<AddressRefusal> refusedAddresses) {
        this(source, issuer, authorizationEndpoint, tokenEndpoint, registrationEndpoint, revocationEndpoint, jwksUri,
                codeChallengeMethodsSupported, tokenEndpointAuthMethodsSupported, scopesSupported,
                clientIdMetadataDocumentSupported, authorizationResponseIssParameterSupported, refusedAddresses,
                List.of());
    }

    /**
     * Whether the server redeems ID-JAGs (enterprise-managed authorization, SEP-990): it lists the JWT bearer grant
     * in {@code grant_types_supported} and names a token endpoint the console may call.
     */
    public boolean supportsJwtBearerGrant() {
        return grantTypesSupported.contains(JWT_BEARER) && tokenEndpoint != null;
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
