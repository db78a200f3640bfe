package org.connectorconsole.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Secrets the console keeps in files of its own (the embedded database's password, a generated sealing key): the
 * file is created readable and writable by its owner only from the first byte, never written first and narrowed
 * after, so no other local user can read it in between.
 */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /** Creates {@code file} (it must not exist yet) with the content, owner-only where the file system knows POSIX modes. */
    public static void create(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file); // not a POSIX file system: the operator sets its access
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
