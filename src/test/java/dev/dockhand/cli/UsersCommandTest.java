package dev.dockhand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.Main;
import dev.dockhand.web.WebHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dockhand users} and {@code dockhand token create --scope --expires} against a running
 * server (no tasks run, so no Docker), as a person would type them.
 */
class UsersCommandTest {
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

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void usersListShowsEveryoneAndDisableAndEnableTakeALoginOrAnId() {
    WebHarness.Person bob = harness.person("bob");
    String task = harness.submit(bob).id();

    assertThat(run(harness.adminToken(), "users", "list")).as(errors()).isZero();
    assertThat(printed().lines())
        .anySatisfy(line -> assertThat(line).contains("local", "active"))
        .anySatisfy(
            line -> assertThat(line).contains(Long.toString(bob.id()), "bob", "active", "1"));

    out.reset();
    assertThat(run(harness.adminToken(), "users", "disable", "BOB")).as(errors()).isZero();
    assertThat(printed()).contains("disabled bob");
    assertThat(harness.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(401);
    assertThat(harness.queue().get(task).orElseThrow().status().wire()).isEqualTo("cancelled");
    out.reset();
    assertThat(run(harness.adminToken(), "users", "list")).isZero();
    assertThat(printed().lines()).anySatisfy(line -> assertThat(line).contains("bob", "disabled"));

    out.reset();
    assertThat(run(harness.adminToken(), "users", "enable", Long.toString(bob.id())))
        .as(errors())
        .isZero();
    assertThat(printed()).contains("enabled bob");
    assertThat(harness.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownUserANonAdminAndDisablingOneselfAreEachOneClearLine() {
    WebHarness.Person bob = harness.person("bob");
    assertThat(run(harness.adminToken(), "users", "disable", "nobody")).isEqualTo(2);
    assertThat(errors().strip()).isEqualTo("dockhand: no user has the login or id 'nobody'");

    err.reset();
    assertThat(run(bob.token(), "users", "list")).isEqualTo(2);
    assertThat(errors().strip())
        .startsWith("dockhand: server answered 403 (forbidden)")
        .contains("admins");

    err.reset();
    assertThat(run(harness.adminToken(), "users", "disable", "local")).isEqualTo(2);
    assertThat(errors().strip()).startsWith("dockhand: server answered 409").contains("yourself");
  }

  @Test
  void tokenCreateTakesAScopeAndAnExpiryAndPrintsThem() {
    assertThat(
            run(
                harness.adminToken(),
                "token",
                "create",
                "dashboard",
                "--scope",
                "read",
                "--expires",
                "30d"))
        .as(errors())
        .isZero();
    String token = printed().lines().findFirst().orElseThrow();
    assertThat(token).startsWith("dh_");
    assertThat(errors()).contains("scope read", "expires 20").doesNotContain(token);
    String expiry = errors().replaceAll("(?s).*expires (\\S+);.*", "$1");
    assertThat(Duration.between(Instant.now(), Instant.parse(expiry)))
        .isBetween(Duration.ofDays(30).minusMinutes(5), Duration.ofDays(30));

    assertThat(harness.get("/api/v1/tasks", token).statusCode()).isEqualTo(200);
    assertThat(harness.post("/api/v1/tasks", token, "{}").statusCode()).isEqualTo(403);

    out.reset();
    assertThat(run(harness.adminToken(), "token", "list")).isZero();
    assertThat(printed().lines())
        .anySatisfy(line -> assertThat(line).contains("dashboard", "read", "expires " + expiry))
        .anySatisfy(line -> assertThat(line).contains("admin", "never expires"));

    err.reset();
    assertThat(run(harness.adminToken(), "token", "create", "x", "--expires", "30x")).isEqualTo(2);
    assertThat(errors()).contains("--expires", "12h or 30d", "30x");
    err.reset();
    assertThat(run(token, "token", "create", "x")).isEqualTo(2);
    assertThat(errors()).contains("403", "scope read");
    err.reset();
    assertThat(run(harness.adminToken(), "token", "create", "x", "--expires", "400d")).isEqualTo(2);
    assertThat(errors()).contains("400", "expiresAt");
  }
}
