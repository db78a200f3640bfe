package org.connectorconsole.connection;

/** Where members manage their connections (Settings › Connectors). */
public final class MemberConnectorsPath {

    public static final String ROUTE = "settings/connectors";
    public static final String PATH = "/" + ROUTE;

    private MemberConnectorsPath() {
    }
}
