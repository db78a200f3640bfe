package org.connectorconsole.connection;

import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.springframework.stereotype.Component;

/**
 * Seals a connection's tokens for the database and opens them again, bound to their kind, organization and
 * connection (a sealed token copied to another row does not open).
 */
@Component
class SealedTokens {

    static final String ACCESS = "access";
    static final String REFRESH = "refresh";

    private final SecretSealer sealer;

    SealedTokens(SecretSealer sealer) {
        this.sealer = sealer;
    }

    byte[] seal(String token, String kind, OrganizationId orgId, UUID connectionId) {
        return token == null ? null : sealer.seal(token, context(kind, orgId, connectionId));
    }

    /** The row's access or refresh token in clear; null when it has none. */
    String open(StoredConnection row, String kind) {
        byte[] sealed = ACCESS.equals(kind) ? row.accessToken() : row.refreshToken();
        return sealed == null ? null : sealer.open(sealed, context(kind, row.orgId(), row.id()));
    }

    static String context(String kind, OrganizationId orgId, UUID connectionId) {
        return "connection." + kind + "_token|" + orgId + "|" + connectionId;
    }
}
