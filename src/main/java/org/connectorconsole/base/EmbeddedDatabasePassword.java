package org.connectorconsole.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The embedded PostgreSQL's superuser password: generated on the first start, kept in {@code postgres-password}
 * beside the data folder (owner-only), and read again on every later start. Only characters that need no quoting
 * in SQL or in a file initdb reads are used.
 */
final class EmbeddedDatabasePassword {

    static final String FILE_NAME = "postgres-password";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{20,200}");

    private EmbeddedDatabasePassword() {
    }

    /** The password file that belongs to the data folder {@code dataDir}. */
    static Path fileFor(Path dataDir) {
        return dataDir.toAbsolutePath().getParent().resolve(FILE_NAME);
    }

    static String readOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            OwnerOnlyFiles.create(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String password = lines.isEmpty() ? "" : lines.getFirst().strip();
        if (!SAFE.matcher(password).matches()) {
            throw new IllegalStateException("The embedded database's password file " + file + " does not hold a "
                    + "password this console wrote (20 to 200 letters, digits, '-' or '_'). Restore it from the "
                    + "backup of the data folder, or delete the data folder to start over.");
        }
        return password;
    }
}
