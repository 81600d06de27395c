package dev.dockhand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.Main;
import dev.dockhand.web.UsageFixture;
import dev.dockhand.web.WebHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code dockhand usage} and {@code dockhand login-link} against a running server. */
class PhoneCommandsTest {
  private WebHarness harness;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() throws Exception {
    System.setOut(originalOut);
    System.setErr(originalErr);
    harness.close();
  }

  private int run(String token, String... args) {
    String[] full = new String[args.length + 4];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--server";
    full[args.length + 1] = harness.origin();
    full[args.length + 2] = "--token";
    full[args.length + 3] = token;
    return Main.commandLine().execute(full);
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void usagePrintsTheSameTableAsTheApiPerDayAndPerRepository() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    UsageFixture tasks = new UsageFixture(harness);
    tasks.add(
        harness.local(), today, "acme/widgets", "claude-sonnet-4-5", "succeeded", 1.25, 1000, 500);
    tasks.add(
        harness.local(),
        today.minusDays(1),
        "acme/widgets",
        "claude-sonnet-4-5",
        "failed",
        0.5,
        10,
        5);

    assertThat(run(harness.adminToken(), "usage")).as(err.toString()).isZero();
    assertThat(printed().lines())
        .anySatisfy(line -> assertThat(line).contains("DAY", "TASKS", "SUCCESS", "COST"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(today.toString())
                    .contains("100%", "1000", "500", "$1.25"))
        .anySatisfy(
            line ->
                assertThat(line).startsWith(today.minusDays(1).toString()).contains("0%", "$0.50"))
        .anySatisfy(line -> assertThat(line).startsWith("Total").contains("2", "50%", "$1.75"));
    assertThat(printed().lines().filter(line -> line.matches("\\d{4}-\\d\\d-\\d\\d .*")))
        .hasSize(7);

    out.reset();
    assertThat(run(harness.adminToken(), "usage", "--by", "repo")).isZero();
    assertThat(printed().lines())
        .anySatisfy(line -> assertThat(line).startsWith("acme/widgets").contains("$1.75"));

    out.reset();
    assertThat(run(harness.adminToken(), "usage", "--by", "week")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("groupBy");
  }

  @Test
  void loginLinkPrintsALinkAndItsQrCodeThatSignsABrowserInOnce() {
    assertThat(run(harness.adminToken(), "login-link")).as(err.toString()).isZero();
    String link =
        printed().lines().filter(line -> line.startsWith("http")).findFirst().orElseThrow();
    assertThat(link).startsWith(harness.origin() + "/#/signin/dhl_");
    assertThat(printed()).contains("█", "▀", "▄").contains("one use");
    String secret = link.substring(link.indexOf("#/signin/") + 9);
    HttpRequest spend =
        harness
            .request("/auth/link", null)
            .header("Content-Type", "application/json")
            .header("Origin", harness.origin())
            .POST(HttpRequest.BodyPublishers.ofString("{\"link\":\"" + secret + "\"}"))
            .build();
    assertThat(harness.send(spend).statusCode()).isEqualTo(204);
    assertThat(harness.send(spend).statusCode()).isEqualTo(400);
  }

  @Test
  void theQrCodeHasItsQuietZoneAndOneLinePerTwoRowsOfModules() {
    String code = SignInLink.qr("http://127.0.0.1:8080/#/signin/dhl_" + "x".repeat(43));
    java.util.List<String> lines = code.lines().toList();
    int size =
        io.nayuki.qrcodegen.QrCode.encodeText(
                "http://127.0.0.1:8080/#/signin/dhl_" + "x".repeat(43),
                io.nayuki.qrcodegen.QrCode.Ecc.LOW)
            .size;
    assertThat(lines).hasSize((size + 8 + 1) / 2);
    String blank = " ".repeat(size + 8);
    assertThat(lines.get(0)).contains(blank);
    assertThat(lines.get(lines.size() - 1)).contains(blank.substring(0, size + 8));
  }
}
