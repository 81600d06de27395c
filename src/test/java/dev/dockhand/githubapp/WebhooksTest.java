package dev.dockhand.githubapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.config.Secret;
import dev.dockhand.store.Database;
import dev.dockhand.store.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhooksTest {
  private static final Secret SECRET = new Secret("a-webhook-secret-of-some-length");
  @TempDir Path dir;
  private Database database;
  private Deliveries deliveries;
  private final AtomicInteger wakes = new AtomicInteger();
  private Webhooks webhooks;

  @BeforeEach
  void open() {
    database = Database.open(TestDatabases.sqliteUrl(dir), dir);
    deliveries = new Deliveries(database, Clock.systemUTC());
    webhooks = new Webhooks(new WebhookSignature(SECRET), deliveries, wakes::incrementAndGet);
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void githubsOwnExampleSignatureMatches() {
    // From GitHub's documentation on validating webhook deliveries.
    WebhookSignature signature = new WebhookSignature(new Secret("It's a Secret to Everybody"));
    assertThat(
            signature.matches(
                Optional.of(
                    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                "Hello, World!".getBytes(StandardCharsets.UTF_8)))
        .isTrue();
  }

  @Test
  void aSignedDeliveryIsStoredOnceAndWakesTheWorker() {
    byte[] body = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(receive("issues", "d-1", sign(body), body)).isEqualTo(Webhooks.Receipt.QUEUED);
    assertThat(receive("issues", "d-1", sign(body), body)).isEqualTo(Webhooks.Receipt.DUPLICATE);
    assertThat(deliveries.pending()).isEqualTo(1);
    assertThat(wakes).hasValue(1);
  }

  @Test
  void aForgedOrUnsignedDeliveryIsRefusedBeforeAnythingIsReadOrStored() {
    byte[] body = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
    byte[] other = "{\"action\":\"closed\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(receive("issues", "d-1", sign(other), body)).isEqualTo(Webhooks.Receipt.FORGED);
    assertThat(receive("issues", "d-1", Optional.empty(), body)).isEqualTo(Webhooks.Receipt.FORGED);
    assertThat(receive("issues", "d-1", Optional.of("sha256=zz"), body))
        .isEqualTo(Webhooks.Receipt.FORGED);
    assertThat(receive("issues", "d-1", Optional.of("sha1=abc"), body))
        .isEqualTo(Webhooks.Receipt.FORGED);
    byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
    assertThat(receive("issues", "d-2", Optional.empty(), notJson))
        .isEqualTo(Webhooks.Receipt.FORGED);
    assertThat(deliveries.pending()).isZero();
    assertThat(wakes).hasValue(0);
  }

  @Test
  void signedButMalformedOrUnhandledDeliveriesAreAnsweredWithoutStoring() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] array = "[]".getBytes(StandardCharsets.UTF_8);
    assertThat(receive("ping", "d-3", sign(body), body)).isEqualTo(Webhooks.Receipt.IGNORED);
    assertThat(receive("push", "d-3", sign(body), body)).isEqualTo(Webhooks.Receipt.IGNORED);
    assertThat(receive("issues", "bad id!", sign(body), body))
        .isEqualTo(Webhooks.Receipt.MALFORMED);
    assertThat(receive("issues", "d-4", sign(array), array)).isEqualTo(Webhooks.Receipt.MALFORMED);
    assertThat(deliveries.pending()).isZero();
  }

  private Webhooks.Receipt receive(
      String event, String id, Optional<String> signature, byte[] body) {
    return webhooks.receive(Optional.of(event), Optional.of(id), signature, body);
  }

  private static Optional<String> sign(byte[] body) {
    return Optional.of(
        "sha256=" + HexFormat.of().formatHex(new WebhookSignature(SECRET).sign(body)));
  }
}
