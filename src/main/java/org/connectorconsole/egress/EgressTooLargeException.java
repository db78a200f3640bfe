package org.connectorconsole.egress;

import java.io.IOException;

/** The remote server sent more than the console reads. */
public class EgressTooLargeException extends IOException {
    public EgressTooLargeException(String message) {
        super(message);
    }
}
