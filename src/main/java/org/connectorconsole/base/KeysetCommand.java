package org.connectorconsole.base;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code keyset new} prints a fresh sealing keyset; {@code keyset rotate FILE} adds a new primary key to the
 * keyset in FILE (older keys stay, so older values still open; the console re-seals them at its next start).
 */
public final class KeysetCommand {

    private KeysetCommand() {
    }

    public static int run(List<String> args, PrintStream out) {
        if (args.size() == 1 && args.getFirst().equals("new")) {
            out.println(SecretSealer.newKeysetJson());
            return 0;
        }
        if (args.size() == 2 && args.getFirst().equals("rotate")) {
            Path file = Path.of(args.get(1));
            try {
                String rotated = SecretSealer.rotate(Files.readString(file));
                Path temp = file.resolveSibling(file.getFileName() + ".new");
                Files.writeString(temp, rotated);
                Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                out.println("Added a new primary key to " + file + ". Restart every console instance with it; "
                        + "stored secrets are re-sealed with the new key at start-up.");
                return 0;
            } catch (IOException | IllegalStateException e) {
                out.println("Rotation failed: " + e.getMessage());
                return 1;
            }
        }
        out.println("Usage: java -jar connector-console.jar keyset new > keyset.json");
        out.println("       java -jar connector-console.jar keyset rotate keyset.json");
        return 2;
    }
}
