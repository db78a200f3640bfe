package org.connectorconsole.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Name resolution for outbound calls; the addresses it returns are checked, then connected to as they are. */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
