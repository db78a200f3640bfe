package org.connectorconsole.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port a test must name before something listens on it (a child process, or a database that stops and comes
 * back on the same port). A port from {@code new ServerSocket(0)} comes from the kernel's ephemeral range, where
 * every other process on a busy machine (other test runs, their clients' outgoing connections) is handed ports
 * too: between closing the probe and the real listener binding it, or while a restarted database is down, the
 * port can be taken. This picks a free port below the ephemeral range instead, where the kernel never hands out
 * ports on its own.
 */
public final class FreePorts {

    private static final int LOWEST = 20_000;

    private FreePorts() {
    }

    /** A loopback port that is free now and lies outside the kernel's ephemeral range. */
    public static int outsideEphemeralRange() throws IOException {
        int ephemeralLow = ephemeralLow();
        int highest = Math.max(LOWEST + 1_000, ephemeralLow) - 1;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between " + LOWEST + " and " + highest);
    }

    /** The lowest port of Linux's ephemeral range (32768 when it cannot be read). */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
