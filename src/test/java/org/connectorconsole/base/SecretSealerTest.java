package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretSealerTest {

    private final String keyset = SecretSealer.newKeysetJson();
    private final SecretSealer sealer = SecretSealer.fromJson(keyset);

    @Test
    void sealed_values_open_only_for_the_record_they_were_sealed_for() {
        byte[] sealed = sealer.seal("client-secret", "connector|org-a|c-1");
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("client-secret");
        assertThat(sealer.open(sealed, "connector|org-a|c-1")).isEqualTo("client-secret");
        assertThatThrownBy(() -> sealer.open(sealed, "connector|org-b|c-1"))
                .isInstanceOf(SecretSealer.SealedValueException.class);
        assertThatThrownBy(() -> sealer.open(sealed, "connector|org-a|c-2"))
                .isInstanceOf(SecretSealer.SealedValueException.class);
    }

    @Test
    void same_secret_seals_differently_each_time() {
        assertThat(sealer.seal("x", "ad")).isNotEqualTo(sealer.seal("x", "ad"));
    }

    @Test
    void another_key_cannot_open() {
        byte[] sealed = sealer.seal("x", "ad");
        assertThatThrownBy(() -> SecretSealer.fromJson(SecretSealer.newKeysetJson()).open(sealed, "ad"))
                .isInstanceOf(SecretSealer.SealedValueException.class);
    }

    @Test
    void rotation_keeps_old_values_readable_and_seals_new_ones_with_the_new_key() {
        byte[] old = sealer.seal("before rotation", "ad");
        SecretSealer rotated = SecretSealer.fromJson(SecretSealer.rotate(keyset));
        assertThat(rotated.open(old, "ad")).isEqualTo("before rotation");
        assertThat(rotated.sealedWithPrimary(old)).isFalse();
        byte[] fresh = rotated.seal("after rotation", "ad");
        assertThat(rotated.sealedWithPrimary(fresh)).isTrue();
        assertThatThrownBy(() -> sealer.open(fresh, "ad")).isInstanceOf(SecretSealer.SealedValueException.class);
    }
}
