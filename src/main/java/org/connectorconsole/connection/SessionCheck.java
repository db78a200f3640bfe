package org.connectorconsole.connection;

import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.MemberTools;

/**
 * What {@link ConnectionService#sessionCredentials} found while checking a member's use of a connector for a tool
 * call's session, as the database said at {@code checkedAtNanos} ({@link System#nanoTime()}): the credentials a
 * session would carry (null: the token is due for renewal), the connector (enabled: a disabled one is refused), and
 * the member's standing with it (who may use which tool, in which mode). A caller may use {@code connector} and
 * {@code standing} instead of reading them again only while they are young ({@link #youngerThan}).
 */
public record SessionCheck(String credentials, Connector connector, MemberTools standing, long checkedAtNanos) {

    /** Whether this was read less than {@code nanos} ago. */
    public boolean youngerThan(long nanos) {
        return System.nanoTime() - checkedAtNanos < nanos;
    }
}
