package org.connectorconsole.egress;

import java.util.Optional;

/**
 * What went wrong on the way to a server, in sentences a person can act on, for the failures the console knows;
 * empty for anything else (the caller then reports it with a reference, never with the exception's own text).
 */
public final class EgressFailures {

    private EgressFailures() {
    }

    /** The first failure in the cause chain that the console has a sentence for. */
    public static Optional<String> describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            Optional<String> known = describeOnly(t);
            if (known.isPresent()) {
                return known;
            }
        }
        return Optional.empty();
    }

    /** This failure itself, without looking at its causes. */
    public static Optional<String> describeOnly(Throwable t) {
        if (t instanceof EgressRefusedException || t instanceof EgressTimeoutException
                || t instanceof EgressTooLargeException) {
            return Optional.ofNullable(t.getMessage()); // the console's own sentences
        }
        if (t instanceof java.net.ConnectException) {
            return Optional.of("Nothing accepts connections at that address and port (connection refused).");
        }
        if (t instanceof java.net.SocketTimeoutException) {
            return Optional.of("The server did not answer in time.");
        }
        if (t instanceof javax.net.ssl.SSLException) {
            return Optional.of("The TLS handshake failed: the server's certificate is not trusted, or it does "
                    + "not speak https on that port.");
        }
        if (t instanceof java.net.UnknownHostException) {
            // EgressClient words its own; the JDK's is a bare host name
            return Optional.of(t.getMessage() != null && t.getMessage().startsWith("The name ") ? t.getMessage()
                    : "The host name does not resolve.");
        }
        if (t instanceof org.apache.hc.core5.http.NoHttpResponseException) {
            return Optional.of("The server closed the connection without answering.");
        }
        if (t instanceof java.io.EOFException) {
            return Optional.of("The server closed the connection before its answer was complete.");
        }
        return Optional.empty();
    }
}
