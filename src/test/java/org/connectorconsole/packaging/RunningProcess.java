package org.connectorconsole.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process started as an operator would (the packaged jar, the image's entry point), its output kept line by
 * line so a test can wait for the exact line it needs, not for a time to pass.
 */
final class RunningProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private RunningProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "output of " + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static RunningProcess start(List<String> command, Path workingDirectory, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("CONSOLE_"));
        builder.environment().putAll(environment);
        return new RunningProcess(builder.start());
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ended) {
            // the process closed its output
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    /**
     * Waits until a line matches (returns the match) or the process ends without one (fails with the output).
     * {@code limit} only bounds a hang; the wait ends at the line itself.
     */
    Matcher awaitLine(Pattern pattern, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (!process.isAlive() && seen == lines.size()) {
                    throw new AssertionError("The process ended (exit " + process.exitValue() + ") without a line "
                            + "matching " + pattern + ". Its output:\n" + output());
                }
                if (left <= 0) {
                    throw new AssertionError("No line matching " + pattern + " within " + limit
                            + ". Its output:\n" + output());
                }
                lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)));
            }
        }
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
