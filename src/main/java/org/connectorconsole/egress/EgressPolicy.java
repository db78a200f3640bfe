package org.connectorconsole.egress;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SSRF policy of MCP-CLIENT.md, for every URL the console calls: https only (plain http only to loopback,
 * and only when development mode allows it), no credentials or fragments, host names spelled plainly, and every
 * resolved address public (or private, for a host an owner allowed by name).
 */
public final class EgressPolicy {

    public static final int MAX_URL_LENGTH = 2048;

    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("^(0x[0-9a-f]*|[0-9]+)$");

    private final boolean allowLoopbackHttp;

    public EgressPolicy(boolean allowLoopbackHttp) {
        this.allowLoopbackHttp = allowLoopbackHttp;
    }

    public boolean allowsLoopbackHttp() {
        return allowLoopbackHttp;
    }

    /** A URL as the console will store and call it, or why it cannot be used. */
    public record UrlCheck(URI uri, String problem) {
        public boolean ok() {
            return problem == null;
        }

        public String host() {
            return uri == null ? null : uri.getHost();
        }
    }

    /** Checks and normalises a URL (scheme and host lower-case, default port dropped, empty path as "/"). */
    public UrlCheck checkUrl(String raw) {
        if (raw == null || raw.isBlank()) {
            return refuse("Enter the server's URL, like https://mcp.example.com/mcp.");
        }
        String text = raw.strip();
        Optional<String> textProblem = textProblem(text);
        if (textProblem.isPresent()) {
            return refuse(textProblem.get());
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return refuse("This is not a valid URL (" + e.getReason() + ").");
        }
        if (!uri.isAbsolute() || uri.getScheme() == null) {
            return refuse("Give a full URL that starts with https://.");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return refuse("Only https:// URLs can be used (this one is " + scheme + ":).");
        }
        if (uri.getRawUserInfo() != null) {
            return refuse("The URL must not contain a user name or password; use the OAuth settings instead.");
        }
        if (uri.getRawFragment() != null) {
            return refuse("The URL must not contain a fragment (the part after #).");
        }
        String rawAuthority = uri.getRawAuthority();
        if (rawAuthority == null || uri.getHost() == null) {
            return refuse("The URL has no valid host name.");
        }
        Optional<String> hostProblem = hostProblem(uri.getHost());
        if (hostProblem.isPresent()) {
            return refuse(hostProblem.get());
        }
        String host = normalizeHost(uri.getHost());
        int port = uri.getPort();
        if (rawAuthority.endsWith(":") || (port != -1 && (port < 1 || port > 65535))) {
            return refuse("The port must be a number from 1 to 65535.");
        }
        if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
            port = -1;
        }
        if (isLoopbackName(host) && !allowLoopbackHttp) {
            return refuse("The host " + host + " is this machine (loopback): the console never calls itself.");
        }
        // An address in the URL is judged before the scheme rules, so that a loopback or private address dressed
        // as IPv6 is refused for what it is, not for its scheme.
        Optional<String> literalProblem = literalAddressProblem(host);
        if (literalProblem.isPresent()) {
            return refuse(literalProblem.get());
        }
        if (scheme.equals("http")) {
            if (!allowLoopbackHttp) {
                return refuse("Plain http:// is not allowed: use https://.");
            }
            if (!isLoopbackName(host)) {
                return refuse("Plain http:// is allowed only for this machine (localhost) in development mode; "
                        + "use https://.");
            }
        }
        if (host.contains(":")) {
            // One spelling of an IPv6 address (RFC 5952), so that every later parser reads what was judged.
            host = new inet.ipaddr.IPAddressString(host).getAddress().withoutPrefixLength().toCanonicalString();
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        try {
            URI normalized = new URI(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host)
                    + (port == -1 ? "" : ":" + port) + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            return new UrlCheck(normalized, null);
        } catch (URISyntaxException e) {
            return refuse("This is not a valid URL (" + e.getReason() + ").");
        }
    }

    /** What is wrong with the URL as text, before it is parsed: length, spaces and controls, hidden characters. */
    private static Optional<String> textProblem(String text) {
        if (text.length() > MAX_URL_LENGTH) {
            return Optional.of("A URL has at most " + MAX_URL_LENGTH + " characters.");
        }
        if (text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            return Optional.of("The URL contains spaces or control characters.");
        }
        java.util.OptionalInt hidden = org.connectorconsole.base.VisibleText.firstHidden(text);
        if (hidden.isPresent()) {
            // java.net.URI accepts them in a path or query, where they make one address read as another
            return Optional.of("The URL contains an invisible or text-direction character ("
                    + org.connectorconsole.base.VisibleText.codePoint(hidden.getAsInt()) + "); type the address "
                    + "again rather than pasting it.");
        }
        return Optional.empty();
    }

    /**
     * Checks every address a host resolved to; refuses the whole host if any one is not allowed (a name that
     * resolves to a public and a private address is a DNS-rebinding attempt or a mistake).
     */
    public List<InetAddress> checkAddresses(String host, InetAddress[] addresses, Set<String> privateHosts)
            throws EgressRefusedException {
        if (addresses == null || addresses.length == 0) {
            throw new EgressRefusedException("The name " + host + " does not resolve to any address.");
        }
        String name = normalizeHost(host);
        boolean hostAllowedPrivate = privateHosts.contains(name);
        List<InetAddress> allowed = new ArrayList<>();
        for (InetAddress address : addresses) {
            AddressClassifier.Verdict verdict = AddressClassifier.classify(address);
            String shown = address.getHostAddress();
            switch (verdict.kind()) {
                case PUBLIC -> allowed.add(address);
                case LOOPBACK -> {
                    if (!allowLoopbackHttp) {
                        throw new EgressRefusedException(describe(name, shown) + " " + verdict.reason()
                                + ": the console never calls its own machine.");
                    }
                    allowed.add(address);
                }
                case PRIVATE -> {
                    if (!hostAllowedPrivate) {
                        throw new EgressRefusedException(describe(name, shown) + " " + verdict.reason() + (isLiteral(name)
                                ? ". Private addresses are reached only through a host name that an owner allows "
                                        + "under Private hosts."
                                : ". If this is your organization's own server, an owner can allow the host name "
                                        + name + " under Private hosts."));
                    }
                    allowed.add(address);
                }
                case FORBIDDEN -> throw new EgressRefusedException(describe(name, shown) + " " + verdict.reason()
                        + ", which the console never calls.");
            }
        }
        return allowed;
    }

    /** An IP address written in the URL is judged at once, as written: it can never be allowed by name. */
    private Optional<String> literalAddressProblem(String host) {
        if (!isLiteral(host)) {
            return Optional.empty();
        }
        Optional<AddressClassifier.Verdict> judged = AddressClassifier.classifyLiteral(host);
        if (judged.isEmpty()) {
            return Optional.of("The address " + host + " is not a valid IP address.");
        }
        AddressClassifier.Verdict verdict = judged.get();
        return switch (verdict.kind()) {
            case PUBLIC -> Optional.empty();
            case LOOPBACK -> allowLoopbackHttp ? Optional.empty()
                    : Optional.of("The address " + host + " " + verdict.reason()
                            + ": the console never calls itself.");
            case PRIVATE -> Optional.of("The address " + host + " " + verdict.reason() + ". Private addresses "
                    + "are reached only through a host name that an owner allows under Private hosts.");
            case FORBIDDEN -> Optional.of("The address " + host + " " + verdict.reason()
                    + ", which the console never calls.");
        };
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || DOTTED_QUAD.matcher(host).matches();
    }

    private static String describe(String host, String address) {
        return host.equals(address) ? "The address " + address
                : isLiteral(host) ? "The address " + host + " (that is " + address + ")"
                : "The name " + host + " resolves to " + address + ", which";
    }

    /** Host names an owner may allow for private addresses: plain DNS names, not addresses. */
    public static Optional<String> privateHostProblem(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.of("Enter a host name, like mcp.intranet.example.");
        }
        String host = raw.strip().toLowerCase(Locale.ROOT);
        if (host.contains("/") || host.contains(":") || host.contains("@")) {
            return Optional.of("Enter only the host name, without scheme, port or path.");
        }
        Optional<String> problem = hostProblem(host);
        if (problem.isPresent()) {
            return problem;
        }
        if (DOTTED_QUAD.matcher(host).matches()) {
            return Optional.of("Allow a host name, not an address: the name is what the console checks.");
        }
        if (isLoopbackName(normalizeHost(host))) {
            return Optional.of("This machine's own names cannot be allowed.");
        }
        return Optional.empty();
    }

    static Optional<String> hostProblem(String rawHost) {
        if (rawHost.startsWith("[")) {
            return Optional.empty(); // IPv6 literal: URI has parsed it; its address is classified later
        }
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            return Optional.of("The URL has no valid host name.");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            return Optional.of("The host name " + rawHost + " is not a valid domain name.");
        }
        String[] labels = ascii.split("\\.", -1);
        String last = labels[labels.length - 1];
        if (NUMERIC_LABEL.matcher(last).matches()) {
            // Anything that ends in a number is read as an IPv4 address by browsers and resolvers, in decimal,
            // octal or hex: accept only the one unambiguous spelling.
            if (!DOTTED_QUAD.matcher(ascii).matches()) {
                return Optional.of("Write an IP address as four decimal numbers like 203.0.113.7; other spellings "
                        + "(decimal, octal, hex, shortened) are refused because servers read them differently.");
            }
            return Optional.empty();
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.of("The host name " + rawHost + " is not a valid domain name.");
            }
        }
        return Optional.empty();
    }

    static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (!h.contains(":")) {
            h = IDN.toASCII(h);
        }
        return h;
    }

    static boolean isLoopbackName(String host) {
        return host.equals("localhost") || host.endsWith(".localhost") || host.equals("::1")
                || host.startsWith("127.") && DOTTED_QUAD.matcher(host).matches();
    }

    private static UrlCheck refuse(String problem) {
        return new UrlCheck(null, problem);
    }
}
