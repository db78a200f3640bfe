package org.connectorconsole.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A reference MCP peer from the npm registry, run with Node 22 (installed by src/test/conformance/install.sh into
 * target/conformance), on ports chosen free on this machine; the tests talk to it on loopback only.
 */
public final class NpmPeer implements AutoCloseable {

    private static final Path WORK = Path.of("target", "conformance");
    private final Process process;
    private final Path log;

    private NpmPeer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Runs a script of an installed package (path under node_modules) and waits until {@code port} accepts. */
    public static NpmPeer start(String script, List<String> args, Map<String, String> env, int port)
            throws IOException, InterruptedException {
        String node = install();
        Path log = Files.createTempFile("npm-peer", ".log");
        List<String> command = new java.util.ArrayList<>(List.of(node, WORK.resolve("node_modules").resolve(script)
                .toAbsolutePath().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        NpmPeer peer = new NpmPeer(builder.start(), log);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!peer.process.isAlive()) {
                throw new IllegalStateException("The npm peer exited: " + peer.output());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return peer;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        peer.close();
        throw new IllegalStateException("The npm peer did not listen on " + port + " within 60 s: " + peer.output());
    }

    /** Installs Node 22 and the npm peers once; returns the node binary. */
    public static synchronized String install() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "src/test/conformance/install.sh").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("Installing the npm peers failed (npm needed): " + out);
        }
        String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }

    /**
     * A port for the peer to listen on. Not from the kernel's ephemeral range: between this probe and the peer's
     * listen, another process on a busy machine could be handed it ({@link FreePorts}).
     */
    public static int freePort() throws IOException {
        return FreePorts.outsideEphemeralRange();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
