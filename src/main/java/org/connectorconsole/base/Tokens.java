package org.connectorconsole.base;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random codes and their one-way digests (for codes we must recognise but never need to read back). */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] READABLE = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private Tokens() {
    }

    /** A code a person can read from a log and type: groups of four unambiguous characters. */
    public static String readableCode(int groups) {
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < groups; g++) {
            if (g > 0) {
                sb.append('-');
            }
            for (int i = 0; i < 4; i++) {
                sb.append(READABLE[RANDOM.nextInt(READABLE.length)]);
            }
        }
        return sb.toString();
    }

    /**
     * A bearer secret: {@code prefix} (which names what the secret is for, so scanners and people recognise it)
     * and 32 random bytes, base64url without padding. Stored only as {@link #sha256Hex}.
     */
    public static String secret(String prefix) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
