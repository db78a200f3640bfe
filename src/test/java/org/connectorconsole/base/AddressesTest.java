package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0:0:0:0:0:0:0:1|::1",
        "0:0:0:0:0:0:0:0|::",
        "2001:DB8:0:0:0:0:0:1|2001:db8::1",
        "2001:0db8:0000:0000:0001:0000:0000:0001|2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1|2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:0:0:0:1%eth0|fe80::1%eth0",
        "0:0:0:0:0:ffff:c000:0201|192.0.2.1",
        "::ffff:203.0.113.7|203.0.113.7",
        "[0:0:0:0:0:0:0:1]|::1",
        "127.0.0.1|127.0.0.1",
        "192.0.2.10|192.0.2.10",
        "1:0:0:2:0:0:0:3|1:0:0:2::3",
        "cafe.be|cafe.be",
        "unknown|unknown",
        "example.org|example.org",
    })
    void addresses_are_shown_compactly(String stored, String shown) {
        assertThat(Addresses.compact(stored)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1:2:3:4:5:6:7:8", "0:1:2:3:4:5:6:7", "1::", "fe80::1"})
    void compact_forms_stay_as_they_are(String address) {
        assertThat(Addresses.compact(address)).isEqualTo(address);
    }

    @org.junit.jupiter.api.Test
    void nothing_in_nothing_out() {
        assertThat(Addresses.compact(null)).isNull();
        assertThat(Addresses.compact("")).isEmpty();
    }
}
