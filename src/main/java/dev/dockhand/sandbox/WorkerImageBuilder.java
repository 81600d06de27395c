package dev.dockhand.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the worker image with the docker CLI, showing its progress on this terminal. The build
 * files ship inside the jar under {@code worker/} (the project's {@code worker/} directory is a
 * link to the same files, so there is one source of truth) and are written to a scratch directory
 * first, so the build works from any directory and from the jar alone. Not thread-safe; one build
 * at a time.
 */
public final class WorkerImageBuilder {
  /**
   * How to build: from the Dockerfile (pulls the base), offline from Debian packages, or either.
   */
  public enum Mode {
    AUTO,
    DOCKERFILE,
    OFFLINE
  }

  static final List<String> FILES =
      List.of("Dockerfile", "packages.txt", "finish-rootfs.sh", "build-offline.sh");
  private static final long PULL_TIMEOUT_SECONDS = 120;

  private final String image;
  private final Path cacheDir;

  public WorkerImageBuilder(String image, Path cacheDir) {
    this.image = image;
    this.cacheDir = cacheDir;
  }

  /** Runs the build; returns the exit code of the build process (0 on success). */
  public int build(Mode mode) throws IOException, InterruptedException {
    Path dir = extract(Files.createTempDirectory("dockhand-worker-"));
    try {
      Mode chosen = mode == Mode.AUTO ? (basePulls(dir) ? Mode.DOCKERFILE : Mode.OFFLINE) : mode;
      if (chosen == Mode.DOCKERFILE) {
        System.out.println("worker-image: building " + image + " from the Dockerfile");
        return run(List.of("docker", "build", "-t", image, dir.toString()));
      }
      System.out.println("worker-image: building " + image + " offline from Debian packages");
      return run(List.of("bash", dir.resolve("build-offline.sh").toString(), image));
    } finally {
      deleteQuietly(dir);
    }
  }

  /** Writes the build files from the class path into {@code dir}; returns {@code dir}. */
  static Path extract(Path dir) throws IOException {
    for (String name : FILES) {
      try (InputStream in = WorkerImageBuilder.class.getResourceAsStream("/worker/" + name)) {
        if (in == null) {
          throw new IOException("worker/" + name + " is missing from the class path");
        }
        Path target = dir.resolve(name);
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        target.toFile().setExecutable(name.endsWith(".sh"));
      }
    }
    return dir;
  }

  static String baseImage(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("Dockerfile")).stream()
        .filter(line -> line.startsWith("FROM "))
        .map(line -> line.substring(5).trim())
        .findFirst()
        .orElseThrow(() -> new IOException("the Dockerfile has no FROM line"));
  }

  private boolean basePulls(Path dir) throws IOException, InterruptedException {
    String base = baseImage(dir);
    System.out.println("worker-image: trying to pull " + base);
    Process pull = command(List.of("docker", "pull", base)).start();
    if (!pull.waitFor(PULL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      pull.destroyForcibly();
      return false;
    }
    return pull.exitValue() == 0;
  }

  private int run(List<String> command) throws IOException, InterruptedException {
    return command(command).start().waitFor();
  }

  private ProcessBuilder command(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    Map<String, String> env = builder.environment();
    env.put("DOCKHAND_CACHE_DIR", cacheDir.toString());
    return builder;
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException | UncheckedIOException ignored) {
      // A scratch directory under the system temp dir; the OS cleans it eventually.
    }
  }
}
