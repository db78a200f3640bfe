package org.connectorconsole.base;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Seals secrets and tokens for storage: AES-256-GCM through Google Tink, with a keyset kept outside the database.
 * The caller names what a value belongs to (organization, row, field) as associated data, so a sealed value
 * copied to another row or field does not open. Keysets may hold several keys: new values use the primary key,
 * old values still open with the key that sealed them (rotation).
 */
public final class SecretSealer {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Aead aead;
    private final int primaryKeyId;

    public SecretSealer(KeysetHandle keyset) {
        try {
            this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
            this.primaryKeyId = keyset.getPrimary().getId();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The sealing keyset cannot be used: " + e.getMessage(), e);
        }
    }

    public static SecretSealer fromJson(String keysetJson) {
        return new SecretSealer(parse(keysetJson));
    }

    public byte[] seal(String plaintext, String associatedData) {
        try {
            return aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8),
                    associatedData.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Sealing failed", e);
        }
    }

    /** Opens a sealed value; fails if it was sealed for other associated data or with an unknown key. */
    public String open(byte[] sealed, String associatedData) {
        try {
            return new String(aead.decrypt(sealed, associatedData.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new SealedValueException("A stored secret cannot be opened: it was sealed with a key this "
                    + "console does not have, or for another record.");
        }
    }

    /** True when the value was sealed with the current primary key (else re-seal it after a rotation). */
    public boolean sealedWithPrimary(byte[] sealed) {
        return sealed.length > 5 && sealed[0] == 1
                && java.nio.ByteBuffer.wrap(sealed, 1, 4).getInt() == primaryKeyId;
    }

    public static String newKeysetJson() {
        try {
            return serialize(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a fresh AES-256-GCM key and makes it primary; older keys stay to open older values. */
    public static String rotate(String keysetJson) {
        try {
            KeysetHandle current = parse(keysetJson);
            KeysetHandle rotated = KeysetHandle.newBuilder(current)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId()
                            .makePrimary())
                    .build();
            return serialize(rotated);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Rotation failed: " + e.getMessage(), e);
        }
    }

    static KeysetHandle parse(String json) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The sealing keyset is not a valid Tink JSON keyset.", e);
        }
    }

    private static String serialize(KeysetHandle handle) throws GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    }

    /** A stored value that does not open. */
    public static final class SealedValueException extends RuntimeException {
        public SealedValueException(String message) {
            super(message);
        }
    }
}
