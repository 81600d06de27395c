package dev.dockhand.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dockhand serve} in a JVM of its own (this test classpath), so a test can kill it with
 * SIGKILL like a crash or SIGTERM like systemd. Its output goes to a file the test can read.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Dockhand listening on (http://\\S+)");
  private final Process process;
  private final Path log;
  private final URI origin;

  private ServerProcess(Process process, Path log, URI origin) {
    this.process = process;
    this.log = log;
    this.origin = origin;
  }

  public static ServerProcess start(Map<String, String> environment)
      throws IOException, InterruptedException {
    return start(environment, List.of());
  }

  /**
   * The same, with {@code jvmArguments} (e.g. {@code -Xmx256m}) before the main class, so a test
   * can run the server in a JVM bounded the way an operator would bound it.
   */
  public static ServerProcess start(Map<String, String> environment, List<String> jvmArguments)
      throws IOException, InterruptedException {
    List<String> launch = new ArrayList<>(jvmArguments);
    launch.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.dockhand.Main"));
    return launch(environment, launch);
  }

  /** The same as {@code java -jar jar serve}, as an operator starts it. */
  public static ServerProcess startJar(Map<String, String> environment, Path jar)
      throws IOException, InterruptedException {
    return launch(environment, List.of("-jar", jar.toString()));
  }

  private static ServerProcess launch(Map<String, String> environment, List<String> launch)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Files.createTempFile("dockhand-serve-", ".log");
    // SQLite's native library goes where the harness deletes it, not the system temp folder (a
    // killed server never removes its copy).
    Path dataDir = Files.createDirectories(Path.of(environment.get("DOCKHAND_DATA_DIR")));
    List<String> command = new ArrayList<>(List.of(java, "-Dorg.sqlite.tmpdir=" + dataDir));
    command.addAll(launch);
    command.add("serve");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Optional<URI> origin = listening(log);
      if (origin.isPresent()) {
        return new ServerProcess(process, log, origin.get());
      }
      if (!process.isAlive()) {
        break;
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the server did not start: " + Files.readString(log));
  }

  private static Optional<URI> listening(Path log) throws IOException {
    Matcher matcher = LISTENING.matcher(Files.readString(log));
    return matcher.find() ? Optional.of(URI.create(matcher.group(1))) : Optional.empty();
  }

  public URI origin() {
    return origin;
  }

  /** Whether the server's JVM is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The server JVM's process id, e.g. for {@code jcmd}. */
  public long pid() {
    return process.pid();
  }

  /** Everything the server printed so far. */
  public List<String> output() {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local admin token the server wrote into its data directory. */
  public static String adminToken(Path dataDir) throws IOException {
    return Files.readString(dataDir.resolve("admin-token")).strip();
  }

  /** SIGKILL: the process dies at once, as in a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for the graceful stop; returns the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the server did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** Stops the server if it still runs, and copies its output into the test's report. */
  @Override
  public void close() throws InterruptedException {
    try {
      if (process.isAlive()) {
        terminate();
      }
    } finally {
      System.out.println("---- output of dockhand serve at " + origin);
      output().forEach(System.out::println);
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
