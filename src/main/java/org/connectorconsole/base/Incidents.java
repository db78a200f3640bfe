package org.connectorconsole.base;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;

/**
 * A failure nobody wrote a sentence for (a library's exception, a server breaking the MCP SDK): the person reads a
 * sentence the console wrote with a short reference, and the log carries the exception under the same reference.
 * An exception's own text never reaches a page: it is written for programmers, may quote the server's bytes, and
 * names classes that tell an attacker what runs here.
 */
public final class Incidents {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Incidents() {
    }

    /** A new reference: eight hex digits a person can read out and an operator can find in the log. */
    public static String newReference() {
        return HexFormat.of().toHexDigits(RANDOM.nextInt());
    }

    /** Logs {@code error} with a new reference and returns the reference. */
    public static String log(Logger log, String context, Throwable error) {
        String reference = newReference();
        log.warn("{} (reference {})", context, reference, error);
        return reference;
    }

    /** The sentence for an unforeseen failure while talking to a remote server. */
    public static String talkingToTheServer(Logger log, String context, Throwable error) {
        return "Something went wrong talking to the server (reference " + log(log, context, error)
                + "); the log has details.";
    }
}
