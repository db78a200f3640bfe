package org.connectorconsole.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the one SSRF policy (Jazzer). Every build runs the stored inputs (regression mode); with
 * {@code JAZZER_FUZZ=1} each target fuzzes for its {@code maxDuration} ({@code src/bench/fuzz.sh}). The invariant
 * is checked against an oracle written independently of {@link AddressClassifier} (JDK address tests and plain
 * byte ranges): nothing the policy accepts reaches an address that is not public.
 */
class EgressPolicyFuzzTest {

    private static final EgressPolicy POLICY = new EgressPolicy(false);

    @FuzzTest(maxDuration = "20s")
    void no_accepted_url_or_address_reaches_a_non_public_address(FuzzedDataProvider data) throws Exception {
        String raw = data.consumeString(300);
        int count = data.consumeInt(1, 4);
        InetAddress[] addresses = new InetAddress[count];
        for (int i = 0; i < count; i++) {
            byte[] bytes = data.consumeBytes(data.consumeBoolean() ? 4 : 16);
            addresses[i] = InetAddress.getByAddress(bytes.length == 0 ? new byte[] {8, 8, 8, 8} : pad(bytes));
        }

        EgressPolicy.UrlCheck check = POLICY.checkUrl(raw);
        if (check.ok()) {
            URI uri = check.uri();
            assertThat(uri.getScheme()).as(raw).isEqualTo("https");
            assertThat(uri.getRawUserInfo()).as(raw).isNull();
            assertThat(uri.getRawFragment()).as(raw).isNull();
            assertThat(uri.getHost()).as(raw).isNotBlank();
            String host = EgressPolicy.normalizeHost(uri.getHost());
            assertThat(host).as(raw).isNotIn("localhost", "localhost.").doesNotEndWith(".localhost");
            if (host.contains(":") || host.matches("[0-9.]+")) {
                assertThat(publicByOracle(InetAddress.getByName(host))).as("literal address accepted: " + raw).isTrue();
            }
            // normalising twice changes nothing (what is stored is what is checked later)
            EgressPolicy.UrlCheck again = POLICY.checkUrl(uri.toString());
            assertThat(again.ok()).as(raw).isTrue();
            assertThat(again.uri()).as(raw).isEqualTo(uri);
        }
        // whatever the name, the addresses it resolves to are judged: accepted means every one is public
        String host = check.ok() ? check.host() : "fuzz.example";
        try {
            List<InetAddress> allowed = POLICY.checkAddresses(host, addresses, Set.of());
            for (InetAddress a : addresses) {
                assertThat(publicByOracle(a)).as("accepted " + a.getHostAddress() + " for " + host).isTrue();
            }
            assertThat(allowed).hasSize(addresses.length);
        } catch (EgressRefusedException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    private static byte[] pad(byte[] bytes) {
        if (bytes.length == 4 || bytes.length == 16) {
            return bytes;
        }
        byte[] out = new byte[bytes.length < 4 ? 4 : 16];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    /** An independent reading of "public": the JDK's own tests plus the special-purpose ranges, byte by byte. */
    static boolean publicByOracle(InetAddress a) throws UnknownHostException {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            int o2 = b[2] & 0xff;
            return !(o0 == 0 || o0 == 10 || o0 == 127 || o0 >= 224
                    || (o0 == 100 && o1 >= 64 && o1 < 128)
                    || (o0 == 169 && o1 == 254)
                    || (o0 == 172 && o1 >= 16 && o1 < 32)
                    || (o0 == 192 && o1 == 168)
                    || (o0 == 192 && o1 == 0 && (o2 == 0 || o2 == 2))
                    || (o0 == 198 && (o1 == 18 || o1 == 19))
                    || (o0 == 198 && o1 == 51 && o2 == 100)
                    || (o0 == 203 && o1 == 0 && o2 == 113));
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean firstTwelveZero = firstTenZero && b[10] == 0 && b[11] == 0;
        boolean nat64 = w0 == 0x64 && w1 == 0xff9b;
        for (int i = 4; i < 12; i++) {
            nat64 &= b[i] == 0; // the well-known prefix is 64:ff9b::/96, not /32
        }
        if ((firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) || firstTwelveZero || nat64) {
            // IPv4-mapped, IPv4-compatible, NAT64: the IPv4 address inside decides
            return publicByOracle(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        }
        if (w0 == 0x2002) {
            return publicByOracle(InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]}));
        }
        return !((b[0] & 0xfe) == 0xfc // unique-local
                || (w0 == 0x2001 && w1 == 0) // Teredo
                || (w0 == 0x2001 && w1 == 0x0db8)); // documentation
    }
}
