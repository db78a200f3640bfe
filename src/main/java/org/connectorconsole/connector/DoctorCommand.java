package org.connectorconsole.connector;

import org.connectorconsole.base.VisibleText;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.ToolInfo;

/**
 * {@code java -jar connector-console.jar doctor <url> [--client-id ID] [--allow-private-host HOST]...
 * [--allow-loopback-http]}: the connection doctor without the console, to check a server before adding it.
 * Exit status 0 when the server is usable, 1 when a step failed, 2 for wrong arguments.
 */
public final class DoctorCommand {

    private DoctorCommand() {
    }

    public static int run(List<String> args, PrintStream out) {
        String url = null;
        String clientId = null;
        boolean loopback = false;
        Set<String> privateHosts = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--allow-loopback-http" -> loopback = true;
                case "--client-id" -> clientId = i + 1 < args.size() ? args.get(++i) : null;
                case "--allow-private-host" -> {
                    if (i + 1 < args.size()) {
                        privateHosts.add(args.get(++i).toLowerCase());
                    }
                }
                case "-h", "--help" -> {
                    usage(out);
                    return 0;
                }
                default -> {
                    if (arg.startsWith("--") || url != null) {
                        out.println("Unknown argument: " + arg);
                        usage(out);
                        return 2;
                    }
                    url = arg;
                }
            }
        }
        if (url == null) {
            usage(out);
            return 2;
        }
        try (EgressClient egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(loopback), privateHosts,
                HostResolver.SYSTEM)) {
            out.println("Connection doctor: " + url);
            Diagnosis d = new ConnectionDoctor(Clock.systemUTC(), false).diagnose(egress, url, clientId, step -> {
                out.println(symbol(step.status()) + " " + step.title() + ": " + nullToEmpty(VisibleText.escape(step.seen())));
                if (step.advice() != null) {
                    out.println("    → " + VisibleText.escape(step.advice()));
                }
            });
            if (!d.tools().isEmpty()) {
                out.println();
                out.println("Tools:");
                for (ToolInfo tool : d.tools()) {
                    out.println("  " + VisibleText.escape(tool.name()) + (tool.description() == null ? ""
                            : " — " + VisibleText.escape(firstLine(tool.description()))));
                }
            }
            out.println();
            out.println("Result: " + d.outcome().label());
            return d.outcome() == Diagnosis.Outcome.FAILED ? 1 : 0;
        }
    }

    private static void usage(PrintStream out) {
        out.println("Usage: java -jar connector-console.jar doctor <url> [--client-id ID] "
                + "[--allow-private-host HOST]... [--allow-loopback-http]");
        out.println("Checks a remote MCP server step by step, as the console does before adding it.");
    }

    private static String symbol(DoctorStep.Status status) {
        return switch (status) {
            case PASSED -> "[ok]  ";
            case WARNING -> "[warn]";
            case FAILED -> "[FAIL]";
            case SKIPPED -> "[skip]";
        };
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
