package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.DockhandException;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
  @TempDir Path dataDir;

  @Test
  void aKeyIsGeneratedIntoAnOwnerOnlyFileAndReusedOnTheNextStart() throws Exception {
    SecretBox first = SecretBox.load(Optional.empty(), dataDir);
    Path keyFile = dataDir.resolve("secret.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    assertThat(Base64.getDecoder().decode(Files.readString(keyFile).trim())).hasSize(32);
    String sealed = first.encrypt(new Secret("gho_abc"), "users.github_token:1");
    SecretBox second = SecretBox.load(Optional.empty(), dataDir);
    assertThat(second.decrypt(sealed, "users.github_token:1").reveal()).isEqualTo("gho_abc");
  }

  @Test
  void aValueDoesNotDecryptForAnotherRowOrAfterTampering() {
    SecretBox box = SecretBox.load(Optional.empty(), dataDir);
    String sealed = box.encrypt(new Secret("gho_abc"), "users.github_token:1");
    assertThat(sealed).doesNotContain("gho_abc");
    assertThat(box.encrypt(new Secret("gho_abc"), "users.github_token:1")).isNotEqualTo(sealed);
    assertThatThrownBy(() -> box.decrypt(sealed, "users.github_token:2"))
        .isInstanceOf(DockhandException.class)
        .hasMessageNotContaining("gho_abc");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    bytes[bytes.length - 1] ^= 1;
    assertThatThrownBy(() -> box.decrypt(Base64.getEncoder().encodeToString(bytes), "users.github_token:1"))
        .isInstanceOf(DockhandException.class);
  }

  @Test
  void aConfiguredKeyMustBe32BytesOfBase64() {
    assertThatThrownBy(() -> SecretBox.load(Optional.of(new Secret("not base64!")), dataDir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOCKHAND_SECRET_KEY");
    assertThatThrownBy(
            () -> SecretBox.load(Optional.of(new Secret(Base64.getEncoder().encodeToString(new byte[16]))), dataDir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("32 bytes");
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    SecretBox box = SecretBox.load(Optional.of(new Secret(key)), dataDir);
    assertThat(box.decrypt(box.encrypt(new Secret("v"), "c"), "c").reveal()).isEqualTo("v");
    assertThat(dataDir.resolve("secret.key")).doesNotExist();
  }
}
