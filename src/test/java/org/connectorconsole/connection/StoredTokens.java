package org.connectorconsole.connection;

import static org.connectorconsole.db.Tables.CONNECTION;

import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.connection.ConnectionRefusals.ReauthenticationNeeded;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tests only: the signed-in member's access token for a connector in clear. The console itself hands no plaintext
 * token out; tests use this to find the grant at the authorization server, to look for the token where it must
 * not be, and to see which token concurrent callers get.
 */
@Component
public class StoredTokens {

    private final DSLContext db;
    private final SecretSealer sealer;
    private final CurrentMember currentMember;
    private final TransactionTemplate tx;
    private final ConnectionAccess access;
    private final ConnectionTokens tokens;

    StoredTokens(DSLContext db, SecretSealer sealer, CurrentMember currentMember, TransactionTemplate tx,
            ConnectionAccess access, ConnectionTokens tokens) {
        this.db = db;
        this.sealer = sealer;
        this.currentMember = currentMember;
        this.tx = tx;
        this.access = access;
        this.tokens = tokens;
    }

    /**
     * The token the console would use for its next call to the connector, through the same path as its checks
     * and tool calls ({@link ConnectionTokens#forCall}): renewed first when it expires soon, by one caller of all.
     */
    public String forCall(ConnectorId connectorId) throws OAuthFlowException, ReauthenticationNeeded {
        Member member = access.member();
        ConnectorDirectory.Target target = access.usableConnector(member, connectorId);
        StoredConnection row = access.find(member, connectorId).orElseThrow();
        return tokens.forCall(member, target, row.id(), null).value();
    }

    /** The signed-in member's stored access token for the connector, in clear. */
    public String accessToken(ConnectorId connectorId) {
        return tx.execute(s -> {
            Member member = currentMember.require();
            Record row = db.select(CONNECTION.ID, CONNECTION.ACCESS_TOKEN).from(CONNECTION)
                    .where(CONNECTION.ORG_ID.eq(member.orgId()))
                    .and(CONNECTION.CONNECTOR_ID.eq(connectorId.value()))
                    .and(CONNECTION.USER_ID.eq(member.userId())).fetchSingle();
            return sealer.open(row.get(CONNECTION.ACCESS_TOKEN),
                    SealedTokens.context(SealedTokens.ACCESS, member.orgId(), row.get(CONNECTION.ID)));
        });
    }
}
