package dev.dockhand.auth;

import dev.dockhand.DockhandException;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (AES-256-GCM, a fresh 96-bit nonce per value). The caller names what a
 * value belongs to ({@code context}, bound as associated data), so a ciphertext copied to another
 * row does not decrypt there. Thread-safe.
 */
public final class SecretBox {
  static final String KEY_NAME = "DOCKHAND_SECRET_KEY";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  SecretBox(byte[] keyBytes) {
    this.key = new SecretKeySpec(keyBytes, "AES");
  }

  /**
   * The key from {@code DOCKHAND_SECRET_KEY}, else from {@code <dataDir>/secret.key}, which is
   * generated (mode 0600) on first start.
   */
  public static SecretBox load(Optional<Secret> configured, Path dataDir) {
    if (configured.isPresent()) {
      return new SecretBox(decodeKey(configured.get().reveal(), KEY_NAME));
    }
    Path file = dataDir.resolve("secret.key");
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        OwnerOnlyFiles.create(file, Base64.getEncoder().encodeToString(fresh) + "\n");
      }
      return new SecretBox(decodeKey(Files.readString(file).trim(), file.toString()));
    } catch (FileAlreadyExistsException raced) {
      return load(configured, dataDir);
    } catch (IOException e) {
      throw new ConfigException(KEY_NAME, "cannot read or create " + file + ": " + e.getMessage());
    }
  }

  private static byte[] decodeKey(String base64, String source) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(KEY_NAME, "must be base64 (from " + source + ")");
    }
    if (bytes.length != 32) {
      throw new ConfigException(
          KEY_NAME, "must decode to 32 bytes, got " + bytes.length + " (from " + source + ")");
    }
    return bytes;
  }

  public String encrypt(Secret plain, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain.reveal().getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** Fails with code {@code secret_unreadable} when the key changed or the value was tampered. */
  public Secret decrypt(String sealed, String context) {
    try {
      byte[] in = Base64.getDecoder().decode(sealed);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new Secret(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new DockhandException(
          "secret_unreadable",
          "a stored secret cannot be decrypted (was " + KEY_NAME + " changed?); sign in again");
    }
  }
}
