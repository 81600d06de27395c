package dev.dockhand.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppSettingsTest {
  @TempDir Path dir;

  @Test
  void noAppKeyMeansNoApp() {
    assertThat(AppSettings.from(new Env(Map.of()))).isEmpty();
  }

  @Test
  void aHalfConfiguredAppStopsStartUpNamingTheMissingKey() throws Exception {
    Map<String, String> env = complete(pkcs8Pem(keys()));
    env.remove("GITHUB_WEBHOOK_SECRET");
    assertThatThrownBy(() -> AppSettings.from(new Env(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("GITHUB_WEBHOOK_SECRET");
  }

  @Test
  void badValuesAreRefusedNamingTheirKey() throws Exception {
    Map<String, String> slug = complete(pkcs8Pem(keys()));
    slug.put("GITHUB_APP_SLUG", "Dock Hand");
    assertThatThrownBy(() -> AppSettings.from(new Env(slug)))
        .hasMessageContaining("GITHUB_APP_SLUG");
    Map<String, String> pem =
        complete("-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> AppSettings.from(new Env(pem)))
        .hasMessageContaining("GITHUB_APP_PRIVATE_KEY_FILE");
    Map<String, String> id = complete(pkcs8Pem(keys()));
    id.put("GITHUB_APP_ID", "app");
    assertThatThrownBy(() -> AppSettings.from(new Env(id))).hasMessageContaining("GITHUB_APP_ID");
  }

  @Test
  void githubsPkcs1KeyAndAPkcs8KeyBothSignAJwtGitHubAccepts() throws Exception {
    KeyPair keys = keys();
    for (String pem : new String[] {pkcs1Pem(keys), pkcs8Pem(keys)}) {
      AppSettings settings = AppSettings.from(new Env(complete(pem))).orElseThrow();
      assertThat(settings.toString()).doesNotContain("secret-value");
      Instant now = Instant.parse("2026-12-02T10:00:00Z");
      String jwt =
          new AppJwt(settings.appId(), settings.privateKey(), Clock.fixed(now, ZoneOffset.UTC))
              .mint()
              .reveal();
      SignedJWT parsed = SignedJWT.parse(jwt);
      assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
      assertThat(parsed.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))).isTrue();
      assertThat(parsed.getJWTClaimsSet().getIssuer()).isEqualTo("1234");
      assertThat(parsed.getJWTClaimsSet().getIssueTime().toInstant())
          .isEqualTo(now.minusSeconds(60));
      assertThat(Duration.between(now, parsed.getJWTClaimsSet().getExpirationTime().toInstant()))
          .isPositive()
          .isLessThanOrEqualTo(Duration.ofMinutes(10));
    }
  }

  private Map<String, String> complete(String pem) throws Exception {
    Path file = dir.resolve("key-" + System.nanoTime() + ".pem");
    Files.writeString(file, pem);
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_APP_ID", "1234");
    env.put("GITHUB_APP_PRIVATE_KEY_FILE", file.toString());
    env.put("GITHUB_APP_SLUG", "dockhand-bot");
    env.put("GITHUB_WEBHOOK_SECRET", "secret-value-0123456789");
    return env;
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static String pkcs8Pem(KeyPair keys) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** PKCS#1 is the OCTET STRING inside the PKCS#8 structure (26 bytes in, for RSA 2048). */
  private static String pkcs1Pem(KeyPair keys) {
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    assertThat(pkcs1[0]).isEqualTo((byte) 0x30);
    return "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pkcs1)
        + "\n-----END RSA PRIVATE KEY-----\n";
  }
}
