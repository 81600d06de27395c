package dev.dockhand.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.sandbox.TestTrees;
import dev.dockhand.testkit.WebPushStandIn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The encryption the stand-in checks against RFC 8291's own example, the library's messages against
 * the stand-in, and where the server's VAPID keys come from.
 */
class PushCryptoTest {
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();
  private Path dataDir;

  @BeforeEach
  void makeDataDir() throws Exception {
    dataDir = Files.createTempDirectory("dockhand-vapid-");
  }

  @AfterEach
  void deleteDataDir() {
    TestTrees.delete(dataDir);
  }

  /** RFC 8291 Appendix A: the user agent's keys, the auth secret and the message it shows. */
  @Test
  void theStandInsDecryptionReadsTheRfcsExampleMessage() throws Exception {
    byte[] body =
        B64.decode(
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLoc"
                + "InmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyou"
                + "BWLVWGNWQexSgSxsj_Qulcy4a-fN");
    byte[] plain =
        WebPushStandIn.decrypt(
            body,
            WebPushStandIn.privateKey(B64.decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")),
            WebPushStandIn.publicKey(
                B64.decode(
                    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpk"
                        + "NtoIAiw4")),
            B64.decode("BTBZMqHH6r4Tts7J_aSIgg"));
    assertThat(new String(plain, StandardCharsets.UTF_8))
        .isEqualTo("When I grow up, I want to be a watermelon");
  }

  @Test
  void theLibrarysBodyDecryptsWithTheSubscriptionsPrivateKeyAndNoOtherKey() throws Exception {
    VapidKeys keys = VapidKeys.generate();
    WebPushStandIn service = WebPushStandIn.start();
    try {
      WebPushStandIn.Browser browser = service.subscribe(ServerKeys.publicKey(keys));
      WebPushStandIn.Browser stranger = service.subscribe(ServerKeys.publicKey(keys));
      byte[] message = "{\"title\":\"Task succeeded\"}".getBytes(StandardCharsets.UTF_8);
      byte[] body =
          new WebPush("mailto:ops@example.com", keys)
              .getBody(message, B64.decode(browser.p256dh()), B64.decode(browser.authSecret()));
      assertThat(
              WebPushStandIn.decrypt(
                  body,
                  (java.security.interfaces.ECPrivateKey) browser.keys().getPrivate(),
                  (ECPublicKey) browser.keys().getPublic(),
                  browser.auth()))
          .isEqualTo(message);
      assertThatThrownBy(
              () ->
                  WebPushStandIn.decrypt(
                      body,
                      (java.security.interfaces.ECPrivateKey) stranger.keys().getPrivate(),
                      (ECPublicKey) browser.keys().getPublic(),
                      browser.auth()))
          .isInstanceOf(java.security.GeneralSecurityException.class);
    } finally {
      service.close();
    }
  }

  @Test
  void aFirstStartGeneratesAKeyPairOnlyTheOwnerCanReadAndLaterStartsKeepIt() throws Exception {
    PushSettings settings = PushSettings.from(new Env(Map.of()), Optional.empty());
    String first = ServerKeys.publicKey(ServerKeys.load(settings, dataDir));
    Path file = dataDir.resolve(ServerKeys.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(ServerKeys.publicKey(ServerKeys.load(settings, dataDir))).isEqualTo(first);
    assertThat(B64.decode(first)).hasSize(65);
  }

  @Test
  void configuredKeysWinAndHalfAPairOrAMismatchedOneStopsStartUpNamingTheKey() {
    VapidKeys keys = VapidKeys.generate();
    VapidKeys other = VapidKeys.generate();
    String publicKey = ServerKeys.publicKey(keys);
    String privateKey = scalar(keys);
    PushSettings configured =
        PushSettings.from(
            new Env(
                Map.of(PushSettings.PUBLIC_KEY, publicKey, PushSettings.PRIVATE_KEY, privateKey)),
            Optional.empty());
    assertThat(ServerKeys.publicKey(ServerKeys.load(configured, dataDir))).isEqualTo(publicKey);
    assertThat(dataDir.resolve(ServerKeys.FILE_NAME)).doesNotExist();

    assertThatThrownBy(
            () ->
                PushSettings.from(
                    new Env(Map.of(PushSettings.PUBLIC_KEY, publicKey)), Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(PushSettings.PRIVATE_KEY);
    PushSettings mismatched =
        PushSettings.from(
            new Env(
                Map.of(
                    PushSettings.PUBLIC_KEY, publicKey, PushSettings.PRIVATE_KEY, scalar(other))),
            Optional.empty());
    assertThatThrownBy(() -> ServerKeys.load(mismatched, dataDir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(PushSettings.PUBLIC_KEY);
    assertThatThrownBy(
            () ->
                PushSettings.from(
                    new Env(Map.of(PushSettings.SUBJECT, "ops@example.com")), Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(PushSettings.SUBJECT);
    assertThat(
            PushSettings.from(
                    new Env(Map.of()), Optional.of(java.net.URI.create("https://dock.example.com")))
                .subject())
        .isEqualTo("https://dock.example.com");
  }

  private static String scalar(VapidKeys keys) {
    byte[] s = keys.getPrivateKey().getS().toByteArray();
    byte[] fixed = new byte[32];
    int length = Math.min(32, s.length);
    System.arraycopy(s, s.length - length, fixed, 32 - length, length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }
}
