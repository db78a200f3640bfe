package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"a@b.co", "Olivia.Owner@Acme.Example", "x+tag@sub.domain.org"})
    void ordinary_addresses_are_accepted(String raw) {
        assertThat(EmailAddress.problem(raw)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "plain", "a@b", "a b@c.de", "a@@b.de", "@b.de", "a@b.de@c.de"})
    void malformed_addresses_are_explained(String raw) {
        assertThat(EmailAddress.problem(raw)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"  Mixed@Case.Example  "})
    void addresses_are_trimmed_and_lower_cased(String raw) {
        assertThat(EmailAddress.normalize(raw)).isEqualTo("mixed@case.example");
    }

    @org.junit.jupiter.api.Test
    void overlong_addresses_are_refused() {
        assertThat(EmailAddress.problem("a".repeat(315) + "@b.com")).hasValueSatisfying(
                m -> assertThat(m).contains("320"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u212Aate@example.com", "\u0130van@example.com", "j\u00f6rg@example.com",
            "a@b\u00fccher.example", "a@ex\u0430mple.com"})
    void addresses_with_non_ascii_characters_are_refused_and_never_folded_onto_ascii(String raw) {
        assertThat(EmailAddress.problem(raw)).hasValueSatisfying(m -> assertThat(m).contains("ASCII"));
        assertThat(EmailAddress.normalize(raw)).as("no Unicode case folding").isEqualTo(raw);
    }

    @org.junit.jupiter.api.Test
    void international_domains_in_punycode_are_accepted() {
        assertThat(EmailAddress.problem("a@xn--bcher-kva.example")).isEmpty();
    }
}
