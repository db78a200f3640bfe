package org.connectorconsole.egress;

import java.net.UnknownHostException;

/**
 * The SSRF policy refused an outbound request before any connection was made. The message is written for the
 * person who gave the URL. (A subclass of {@link UnknownHostException} so it travels unchanged through the HTTP
 * client's name-resolution step, where addresses are checked.)
 */
public class EgressRefusedException extends UnknownHostException {

    public EgressRefusedException(String message) {
        super(message);
    }
}
