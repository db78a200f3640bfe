package org.connectorconsole.oauth;

import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressRefusedException;

/**
 * Judges every address an authorization server hands back with the policy the connect flow applies, before anyone
 * uses one: the doctor reports the refusals, connecting stops at them. Addresses the console calls itself are
 * resolved and every address checked, as a request would; the authorization endpoint is opened by the member's
 * browser, not by the console, so its URL is judged but its name is not resolved here.
 */
public final class ServerAddresses {

    private ServerAddresses() {
    }

    /** The refused addresses, in metadata order; empty when every address passes. */
    public static List<AddressRefusal> refusals(EgressClient egress, AuthorizationServerMetadata as) {
        List<AddressRefusal> refused = new ArrayList<>(as.refusedAddresses());
        for (Map.Entry<String, URI> called : calledByTheConsole(as).entrySet()) {
            if (called.getValue() == null) {
                continue;
            }
            try {
                egress.resolveChecked(called.getValue().getHost());
            } catch (EgressRefusedException e) {
                refused.add(new AddressRefusal(called.getKey(), called.getValue().toString(), e.getMessage()));
            } catch (UnknownHostException e) {
                // Not a refusal: the request to it will say that the name does not resolve.
            }
        }
        return refused;
    }

    /** Throws the refusals as one sentence a person can act on. */
    public static void requireAllowed(EgressClient egress, AuthorizationServerMetadata as)
            throws OAuthFlowException {
        List<AddressRefusal> refused = refusals(egress, as);
        if (!refused.isEmpty()) {
            throw new OAuthFlowException(sentences(refused));
        }
    }

    public static String sentences(List<AddressRefusal> refused) {
        return refused.stream().map(AddressRefusal::sentence).collect(Collectors.joining(" "));
    }

    private static Map<String, URI> calledByTheConsole(AuthorizationServerMetadata as) {
        Map<String, URI> called = new LinkedHashMap<>();
        called.put("token_endpoint", as.tokenEndpoint());
        called.put("registration_endpoint", as.registrationEndpoint());
        called.put("revocation_endpoint", as.revocationEndpoint());
        called.put("jwks_uri", as.jwksUri());
        return called;
    }
}
