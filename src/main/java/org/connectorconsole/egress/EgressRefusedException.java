package org.connectorconsole.egress;

import java.net.UnknownHostException;
import org.connectorconsole.base.ConsoleMetrics;

/**
 * The SSRF policy refused an outbound request before any connection was made. The message is written for the
 * person who gave the URL. (A subclass of {@link UnknownHostException} so it travels unchanged through the HTTP
 * client's name-resolution step, where addresses are checked.)
 */
public class EgressRefusedException extends UnknownHostException {

    public EgressRefusedException(String message) {
        super(message);
        // every refusal is one of these, made where the policy decides: counting here misses none
        ConsoleMetrics.egressRefused();
    }
}
