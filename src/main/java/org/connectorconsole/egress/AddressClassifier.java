package org.connectorconsole.egress;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Sorts an address into public, loopback, private (an owner may allow named hosts there) or never reachable,
 * from the IANA special-purpose registries. IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible,
 * NAT64, 6to4) are judged by the address they carry.
 */
public final class AddressClassifier {

    public enum Kind {
        PUBLIC, LOOPBACK, PRIVATE, FORBIDDEN
    }

    public record Verdict(Kind kind, String reason) {
    }

    private record Range(IPAddress block, Kind kind, String reason) {
        static Range of(String cidr, Kind kind, String reason) {
            return new Range(new IPAddressString(cidr).getAddress().toPrefixBlock(), kind, reason);
        }
    }

    private static final List<Range> V4 = List.of(
            Range.of("0.0.0.0/8", Kind.FORBIDDEN, "is in 0.0.0.0/8 (\"this network\", unspecified)"),
            Range.of("127.0.0.0/8", Kind.LOOPBACK, "is a loopback address (127.0.0.0/8)"),
            Range.of("10.0.0.0/8", Kind.PRIVATE, "is a private address (10.0.0.0/8, RFC 1918)"),
            Range.of("172.16.0.0/12", Kind.PRIVATE, "is a private address (172.16.0.0/12, RFC 1918)"),
            Range.of("192.168.0.0/16", Kind.PRIVATE, "is a private address (192.168.0.0/16, RFC 1918)"),
            Range.of("100.64.0.0/10", Kind.PRIVATE, "is a carrier-grade NAT address (100.64.0.0/10)"),
            Range.of("169.254.0.0/16", Kind.FORBIDDEN,
                    "is link-local (169.254.0.0/16), where cloud metadata services live"),
            Range.of("192.0.0.0/24", Kind.FORBIDDEN, "is reserved for IETF protocol assignments (192.0.0.0/24)"),
            Range.of("192.0.2.0/24", Kind.FORBIDDEN, "is a documentation address (192.0.2.0/24)"),
            Range.of("192.88.99.0/24", Kind.FORBIDDEN, "is the deprecated 6to4 relay range (192.88.99.0/24)"),
            Range.of("198.18.0.0/15", Kind.FORBIDDEN, "is reserved for benchmarking (198.18.0.0/15)"),
            Range.of("198.51.100.0/24", Kind.FORBIDDEN, "is a documentation address (198.51.100.0/24)"),
            Range.of("203.0.113.0/24", Kind.FORBIDDEN, "is a documentation address (203.0.113.0/24)"),
            Range.of("224.0.0.0/4", Kind.FORBIDDEN, "is a multicast address (224.0.0.0/4)"),
            Range.of("240.0.0.0/4", Kind.FORBIDDEN, "is reserved (240.0.0.0/4) or the broadcast address"));

    private static final List<Range> V6 = List.of(
            Range.of("::/128", Kind.FORBIDDEN, "is the unspecified address (::)"),
            Range.of("::1/128", Kind.LOOPBACK, "is the IPv6 loopback address (::1)"),
            Range.of("64:ff9b:1::/48", Kind.FORBIDDEN, "is a local-use NAT64 address (64:ff9b:1::/48)"),
            Range.of("100::/64", Kind.FORBIDDEN, "is a discard-only address (100::/64)"),
            Range.of("2001::/32", Kind.FORBIDDEN, "is a Teredo address (2001::/32), which hides an IPv4 address"),
            Range.of("2001:10::/28", Kind.FORBIDDEN, "is a deprecated ORCHID address (2001:10::/28)"),
            Range.of("2001:20::/28", Kind.FORBIDDEN, "is an ORCHIDv2 address (2001:20::/28)"),
            Range.of("2001:db8::/32", Kind.FORBIDDEN, "is a documentation address (2001:db8::/32)"),
            Range.of("fc00::/7", Kind.PRIVATE, "is a unique-local address (fc00::/7)"),
            Range.of("fe80::/10", Kind.FORBIDDEN, "is link-local (fe80::/10)"),
            Range.of("fec0::/10", Kind.FORBIDDEN, "is a deprecated site-local address (fec0::/10)"),
            Range.of("ff00::/8", Kind.FORBIDDEN, "is a multicast address (ff00::/8)"));

    private static final IPAddress MAPPED = new IPAddressString("::ffff:0:0/96").getAddress().toPrefixBlock();
    private static final IPAddress COMPATIBLE = new IPAddressString("::/96").getAddress().toPrefixBlock();
    private static final IPAddress NAT64 = new IPAddressString("64:ff9b::/96").getAddress().toPrefixBlock();
    private static final IPAddress SIX_TO_FOUR = new IPAddressString("2002::/16").getAddress().toPrefixBlock();

    private AddressClassifier() {
    }

    public static Verdict classify(InetAddress address) {
        IPAddress ip = new IPAddressString(address.getHostAddress()).getAddress();
        if (ip == null) {
            return new Verdict(Kind.FORBIDDEN, "is not an address this policy understands");
        }
        return classify(ip.withoutPrefixLength());
    }

    /**
     * An address as written in a URL, judged as written: the JDK turns {@code ::ffff:127.0.0.1} into the IPv4
     * address it carries, which would hide that it was dressed as IPv6. Empty when the text is no IP address.
     */
    public static java.util.Optional<Verdict> classifyLiteral(String literal) {
        IPAddress ip = new IPAddressString(literal).getAddress();
        return ip == null ? java.util.Optional.empty() : java.util.Optional.of(classify(ip.withoutPrefixLength()));
    }

    static Verdict classify(IPAddress ip) {
        if (ip.isIPv4()) {
            return classifyV4(ip.toIPv4());
        }
        IPv6Address v6 = ip.toIPv6();
        if (v6.getZone() != null && !v6.getZone().isEmpty()) {
            return new Verdict(Kind.FORBIDDEN, "carries an interface zone, which only local addresses have");
        }
        String embeddedForm = null;
        IPv4Address embedded = null;
        if (MAPPED.contains(v6)) {
            embeddedForm = "an IPv4-mapped address";
            embedded = v6.getEmbeddedIPv4Address();
        } else if (NAT64.contains(v6)) {
            embeddedForm = "a NAT64 address";
            embedded = v6.getEmbeddedIPv4Address();
        } else if (SIX_TO_FOUR.contains(v6)) {
            embeddedForm = "a 6to4 address";
            embedded = v6.get6To4IPv4Address();
        } else if (COMPATIBLE.contains(v6) && !v6.isZero() && !v6.isLoopback()) {
            embeddedForm = "an IPv4-compatible address";
            embedded = v6.getEmbeddedIPv4Address();
        }
        if (embedded != null) {
            Verdict inner = classifyV4(embedded);
            if (inner.kind() == Kind.PUBLIC) {
                return inner;
            }
            // A loopback or private address dressed as IPv6 is never something an owner meant to allow.
            return new Verdict(Kind.FORBIDDEN, "is " + embeddedForm + " carrying " + embedded + ", which "
                    + inner.reason());
        }
        for (Range r : V6) {
            if (r.block().contains(v6)) {
                return new Verdict(r.kind(), r.reason());
            }
        }
        return new Verdict(Kind.PUBLIC, "is a public address");
    }

    private static Verdict classifyV4(IPv4Address v4) {
        for (Range r : V4) {
            if (r.block().contains(v4)) {
                return new Verdict(r.kind(), r.reason());
            }
        }
        return new Verdict(Kind.PUBLIC, "is a public address");
    }
}
