package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    @Test
    void long_passphrases_pass() {
        assertThat(PasswordPolicy.problem("correct horse battery", "a@b.co")).isEmpty();
    }

    @Test
    void short_empty_blank_and_overlong_passwords_are_explained() {
        assertThat(PasswordPolicy.problem("", "a@b.co")).hasValue("Choose a password.");
        assertThat(PasswordPolicy.problem("elevenchars", "a@b.co")).hasValueSatisfying(
                m -> assertThat(m).contains("at least 12"));
        assertThat(PasswordPolicy.problem(" ".repeat(14), "a@b.co")).isPresent();
        assertThat(PasswordPolicy.problem("é".repeat(40), "a@b.co")).as("80 bytes > bcrypt's 72")
                .hasValueSatisfying(m -> assertThat(m).contains("72"));
    }

    @Test
    void the_email_address_is_not_a_password() {
        assertThat(PasswordPolicy.problem("Olivia@Acme.example", "olivia@acme.example")).isPresent();
    }
}
