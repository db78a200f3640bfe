package org.connectorconsole.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar connector-console.jar audit-verify <export.jsonl>}: checks the hash chain of an exported JSON
 * Lines file without the console, and names the first broken link. Exit status 0 when intact, 1 when broken,
 * 2 for wrong arguments or an unreadable file.
 */
public final class AuditVerifyCommand {

    private AuditVerifyCommand() {
    }

    public static int run(List<String> args, PrintStream out) {
        if (args.size() != 1 || args.getFirst().startsWith("-")) {
            out.println("Usage: audit-verify <export.jsonl>   (an audit log exported as JSON Lines)");
            return 2;
        }
        Path file = Path.of(args.getFirst());
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            AuditVerifier.Result result = AuditVerifier.verifyJsonLines(in);
            out.println(result.describe());
            return result.intact() ? 0 : 1;
        } catch (NoSuchFileException e) {
            out.println("No such file: " + file);
            return 2;
        } catch (IOException e) {
            out.println("Cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }
}
