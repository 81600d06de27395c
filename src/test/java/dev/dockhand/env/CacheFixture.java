package dev.dockhand.env;

import dev.dockhand.config.Env;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.RepoUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Keys, task directories and trees shared by the cache's tests. */
final class CacheFixture {
  static final int UID = 1000;
  static final long MB = 1024 * 1024;

  private CacheFixture() {}

  static RepoUrl repo(String fullName) {
    return RepoUrl.parse("https://github.com/" + fullName, GitSettings.from(new Env(Map.of())));
  }

  /** A key of user 7 on o/app whose setup is {@code setup}. */
  static EnvKey key(String setup) {
    return key(7, "o/app", setup);
  }

  static EnvKey key(long userId, String repo, String setup) {
    return EnvKey.of(
        "sha256:image",
        userId,
        repo(repo),
        List.of(new EnvCommand.Shell(setup)),
        Map.of(),
        new TreeMap<>());
  }

  static EnvironmentCache cache(Path dataDir, long mb, Clock clock, boolean overlay) {
    return new EnvironmentCache(
        dataDir, new EnvCacheSettings(mb * MB, Duration.ofDays(7)), clock, overlay);
  }

  /** One task's directories on one filesystem, as a task disk lays them out. */
  record Task(Path workspace, Path home, Path scratch) {
    static Task in(Path dir) throws IOException {
      Task task =
          new Task(
              Files.createDirectories(dir.resolve("work")),
              Files.createDirectories(dir.resolve("home")),
              Files.createDirectories(dir.resolve("scratch")));
      return task;
    }
  }

  /**
   * What a setup leaves: the checkout (tracked), node_modules, a .git, and a package cache in home,
   * all the sandbox user's.
   */
  static Task setUp(Path dir, int modules) throws Exception {
    Task task = Task.in(dir);
    write(task.workspace().resolve(".git/HEAD"), "ref: refs/heads/main\n");
    write(task.workspace().resolve("package.json"), "{}");
    write(task.workspace().resolve("src/index.js"), "tracked");
    for (int i = 0; i < modules; i++) {
      write(task.workspace().resolve("node_modules/dep" + i + "/index.js"), "module " + i);
    }
    write(task.home().resolve(".npm/_cacache/index"), "cached");
    run("chown", "-R", UID + ":" + UID, task.workspace().toString(), task.home().toString());
    return task;
  }

  static final Set<String> TRACKED = Set.of("package.json", "src/index.js");

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** Every path below {@code dir}, relative and sorted; links are listed, not followed. */
  static List<String> tree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths
          .filter(path -> !path.equals(dir))
          .map(path -> dir.relativize(path).toString())
          .sorted()
          .toList();
    }
  }

  static int uid(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  record Run(int exitCode, String output) {}

  static Run run(String... argv) throws Exception {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output);
  }

  /** Lets the sandbox user reach the tasks' directories, as a container's mounts would. */
  static void openToTheSandboxUser(Path temp) throws IOException {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs a shell script as the sandbox user in {@code dir}, as a task's command would. */
  static Run asSandboxUser(Path dir, String script) throws Exception {
    Process process =
        new ProcessBuilder(
                "setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups", "sh", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output);
  }

  /** Mount points at or below {@code dir}, as the kernel escapes them. */
  static List<String> mountsBelow(Path dir) throws IOException {
    String real = dir.toRealPath().toString().replace(" ", "\\040");
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> line.split(" ")[4])
        .filter(point -> point.equals(real) || point.startsWith(real + "/"))
        .toList();
  }

  /** The entries on disk under {@code dataDir}, leftovers of any kind included. */
  static List<Path> entries(Path dataDir) throws IOException {
    try (Stream<Path> entries = Files.list(dataDir.resolve(EnvironmentCache.DIR))) {
      return entries.sorted().toList();
    }
  }
}
