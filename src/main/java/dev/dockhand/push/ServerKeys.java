package dev.dockhand.push;

import com.interaso.webpush.VapidKeys;
import dev.dockhand.auth.OwnerOnlyFiles;
import dev.dockhand.config.ConfigException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * The server's VAPID key pair: from DOCKHAND_VAPID_PUBLIC_KEY and DOCKHAND_VAPID_PRIVATE_KEY, else
 * from {@code <data dir>/vapid.keys} (mode 0600), generated there on first start. Both forms are
 * the usual ones ({@code web-push generate-vapid-keys} prints them): the uncompressed public point
 * and the private scalar, base64url. A browser's subscription is bound to the public key, so
 * changing the pair makes every browser subscribe again.
 */
final class ServerKeys {
  static final String FILE_NAME = "vapid.keys";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private ServerKeys() {}

  static VapidKeys load(PushSettings settings, Path dataDir) {
    if (settings.publicKey().isPresent()) {
      return parse(
          settings.publicKey().get(),
          settings.privateKey().orElseThrow().reveal(),
          PushSettings.PUBLIC_KEY);
    }
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      VapidKeys generated = VapidKeys.generate();
      try {
        OwnerOnlyFiles.create(file, publicKey(generated) + "\n" + privateKey(generated) + "\n");
        return generated;
      } catch (FileAlreadyExistsException raced) {
        // Another start made it first: use theirs.
      } catch (IOException e) {
        throw new ConfigException(
            "DOCKHAND_DATA_DIR", "cannot write " + file + ": " + e.getMessage());
      }
    }
    try {
      List<String> lines = Files.readAllLines(file).stream().map(String::trim).toList();
      if (lines.size() < 2) {
        throw new ConfigException(PushSettings.PUBLIC_KEY, file + " must hold two lines");
      }
      return parse(lines.get(0), lines.get(1), PushSettings.PUBLIC_KEY + " (from " + file + ")");
    } catch (IOException e) {
      throw new ConfigException("DOCKHAND_DATA_DIR", "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The public key as browsers take it for {@code applicationServerKey}: base64url. */
  static String publicKey(VapidKeys keys) {
    return ENCODER.encodeToString(keys.getApplicationServerKey());
  }

  private static String privateKey(VapidKeys keys) {
    byte[] scalar = keys.getPrivateKey().getS().toByteArray();
    byte[] fixed = new byte[32];
    int length = Math.min(scalar.length, 32);
    System.arraycopy(scalar, scalar.length - length, fixed, 32 - length, length);
    return ENCODER.encodeToString(fixed);
  }

  private static VapidKeys parse(String publicKey, String privateKey, String key) {
    try {
      byte[] point = Base64.getUrlDecoder().decode(publicKey);
      byte[] scalar = Base64.getUrlDecoder().decode(privateKey);
      if (point.length != 65 || point[0] != 4 || scalar.length != 32) {
        throw new IllegalArgumentException("wrong length");
      }
      if (new BigInteger(1, scalar).signum() == 0) {
        throw new IllegalArgumentException("zero key");
      }
      return VapidKeys.fromUncompressedBytes(publicKey, privateKey);
    } catch (RuntimeException e) {
      throw new ConfigException(
          key,
          "must be a P-256 key pair, base64url: the public key's 65 uncompressed bytes and the"
              + " private key's 32 bytes, belonging together");
    }
  }
}
