package org.connectorconsole.base;

import java.util.Base64;

/**
 * An icon the console checked (see {@code connector.IconCheck}): its media type sniffed from its bytes (PNG, JPEG,
 * GIF or WebP, never SVG) and at most {@value #MAX_BYTES} bytes. Browsers get it as a {@code data:} URL the console
 * writes itself, so a page never loads an image from a third party.
 */
public record IconData(String mediaType, byte[] bytes) {

    public static final int MAX_BYTES = 65_536;

    public IconData {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("An icon is at most " + MAX_BYTES + " bytes.");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String dataUrl() {
        return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }
}
