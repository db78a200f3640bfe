package org.connectorconsole.connector;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.connectorconsole.base.IconData;

/**
 * The MCP specification's rules for a client showing a server's icons, as the console applies them: a source is
 * an {@code https:} URL on the MCP server's own origin or a {@code data:} URL (base64); the bytes must be PNG, JPEG,
 * GIF or WebP by their magic numbers (whatever the server or the data URL says the type is), SVG never, at most
 * {@value IconData#MAX_BYTES} bytes and (where the header says cheaply: PNG, GIF, WebP VP8X) at most
 * {@value #MAX_DIMENSION} pixels a side. No network here: {@link IconFetcher} fetches.
 */
public final class IconCheck {

    public static final int MAX_DIMENSION = 1024;

    private IconCheck() {
    }

    /** Why an icon is not shown; the message is for owners (the doctor, logs at debug). */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * The URL to fetch for an {@code https:} source, which must have the server's origin (scheme, host and port).
     * {@code allowLoopbackHttp} (development only, as the egress policy's) also admits an {@code http:} source when
     * the server itself is plain http on a loopback address.
     */
    public static URI fetchable(URI server, String src, boolean allowLoopbackHttp) throws Refused {
        URI uri;
        try {
            uri = new URI(src.strip());
        } catch (URISyntaxException e) {
            throw new Refused("The icon's address is not a URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean devHttp = allowLoopbackHttp && "http".equals(scheme) && "http".equalsIgnoreCase(server.getScheme())
                && isLoopback(server.getHost());
        if (!"https".equals(scheme) && !devHttp) {
            throw new Refused("Only https: and data: icons are shown (this one is " + (scheme.isEmpty() ? "relative"
                    : scheme + ":") + ").");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("An icon's address may not carry a user name or password.");
        }
        if (uri.getHost() == null || !origin(uri).equals(origin(server))) {
            throw new Refused("The icon is not on the MCP server's own origin (" + origin(server) + ").");
        }
        return uri;
    }

    /** The icon in a {@code data:} source ({@code data:<type>;base64,<bytes>}), checked by its bytes. */
    public static IconData fromDataUrl(String src) throws Refused {
        int comma = src.indexOf(',');
        if (!src.regionMatches(true, 0, "data:", 0, 5) || comma < 0) {
            throw new Refused("The icon's data: URL has no data.");
        }
        String header = src.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) {
            throw new Refused("Only base64 data: icons are shown.");
        }
        String data = src.substring(comma + 1);
        if (data.length() > (IconData.MAX_BYTES / 3 + 2) * 4) {
            throw new Refused("The icon is larger than " + IconData.MAX_BYTES / 1024 + " KB.");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(data.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new Refused("The icon's data: URL is not valid base64.");
        }
        return accept(bytes);
    }

    /** The icon, if its bytes are an allowed image of allowed size. */
    public static IconData accept(byte[] bytes) throws Refused {
        if (bytes.length > IconData.MAX_BYTES) {
            throw new Refused("The icon is larger than " + IconData.MAX_BYTES / 1024 + " KB.");
        }
        String type = sniff(bytes);
        if (type == null) {
            throw new Refused(looksLikeMarkup(bytes) ? "SVG and other markup icons are not shown."
                    : "The icon is not a PNG, JPEG, GIF or WebP image.");
        }
        long[] size = dimensions(type, bytes);
        if (size != null && (size[0] > MAX_DIMENSION || size[1] > MAX_DIMENSION || size[0] < 1 || size[1] < 1)) {
            throw new Refused("The icon is " + size[0] + "×" + size[1] + " pixels; at most " + MAX_DIMENSION
                    + " a side are shown.");
        }
        return new IconData(type, bytes);
    }

    /** The media type the bytes are by their magic numbers, or null. */
    public static String sniff(byte[] b) {
        if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A) && b.length >= 24) {
            return "image/png";
        }
        if (starts(b, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(b, 0, 'G', 'I', 'F', '8', '7', 'a') || starts(b, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return b.length >= 10 ? "image/gif" : null;
        }
        if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) {
            return "image/webp";
        }
        return null;
    }

    private static long[] dimensions(String type, byte[] b) {
        return switch (type) {
            case "image/png" -> new long[] {u32be(b, 16), u32be(b, 20)};
            case "image/gif" -> new long[] {(b[6] & 0xFF) | (b[7] & 0xFF) << 8, (b[8] & 0xFF) | (b[9] & 0xFF) << 8};
            case "image/webp" -> starts(b, 12, 'V', 'P', '8', 'X') && b.length >= 30
                    ? new long[] {1 + u24le(b, 24), 1 + u24le(b, 27)} : null;
            default -> null; // JPEG: the byte bound suffices (finding its frame header means walking segments)
        };
    }

    private static boolean looksLikeMarkup(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 512), StandardCharsets.ISO_8859_1).stripLeading()
                .toLowerCase(Locale.ROOT);
        return head.startsWith("<") || head.startsWith("\ufeff<") || head.contains("<svg");
    }

    private static boolean starts(byte[] b, int at, int... magic) {
        if (b.length < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[at + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static long u32be(byte[] b, int at) {
        return (long) (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static long u24le(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (long) (b[at + 2] & 0xFF) << 16;
    }

    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return scheme + "://" + host + ":" + port;
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }
}
