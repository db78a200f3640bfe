package org.connectorconsole.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * CPU time used so far by the three parties of a benchmark run: this JVM (the benchmark's clients, the console,
 * the bare proxy), the embedded PostgreSQL (its postmaster and the backends of the pool) and the Node processes
 * this JVM started (server-everything). Differences of two readings divided by the calls made in between give the
 * CPU per call of each party; on a 2-core machine that is what bounds many concurrent calls.
 */
record CpuTimes(long jvmNanos, long postgresNanos, long nodeNanos) {

    static CpuTimes now(Path postgresDataDir) {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long postgres = 0;
        try {
            String pid = Files.readAllLines(postgresDataDir.resolve("postmaster.pid")).getFirst().strip();
            ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
            if (postmaster != null) {
                postgres = cpu(Stream.concat(Stream.of(postmaster), postmaster.descendants()));
            }
        } catch (IOException | RuntimeException e) {
            postgres = -1;
        }
        long node = cpu(ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("node")).orElse(false)));
        return new CpuTimes(jvm, postgres, node);
    }

    private static long cpu(Stream<ProcessHandle> processes) {
        return processes.mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    /** "JVM 1.23 ms, PostgreSQL 0.45 ms, Node 0.67 ms per call" from {@code before} to this reading. */
    String perCall(CpuTimes before, int calls) {
        return String.format("cpu/call jvm=%.2f ms pg=%.2f ms node=%.2f ms",
                (jvmNanos - before.jvmNanos) / 1e6 / calls, (postgresNanos - before.postgresNanos) / 1e6 / calls,
                (nodeNanos - before.nodeNanos) / 1e6 / calls);
    }
}
