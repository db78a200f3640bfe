package org.connectorconsole.egress;

import java.io.IOException;

/** The remote server did not answer within the bound. */
public class EgressTimeoutException extends IOException {
    public EgressTimeoutException(String message) {
        super(message);
    }
}
