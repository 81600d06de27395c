package dev.dockhand;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.testkit.ManifestJar;
import dev.dockhand.testkit.Subprocess;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar started by a Java too old for it says so in one line; a new enough one runs it. */
class RuntimeCheckTest {
  private static final Pattern VERSION = Pattern.compile("version \"(?:1\\.)?(\\d+)");
  @TempDir Path dir;

  @Test
  void anOlderJavaIsToldInOneLineWhichJavaIsNeededAndWhichItFound() throws Exception {
    OldJava old = olderJava();
    Path jar = ManifestJar.write(dir);

    Subprocess run =
        Subprocess.run(
            List.of(
                old.java().toString(), "-jar", jar.toString(), "submit", "--repo", "acme/widgets"),
            Map.of("PATH", "/usr/bin:/bin"));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.lines())
        .containsExactly(
            "dockhand: needs Java 21 or newer, but was started by Java "
                + old.feature()
                + " ("
                + old.home()
                + "); run it with scripts/dockhand, which finds a Java 21 or newer, or install one"
                + " (the README's quick start says how)");
  }

  @Test
  void aJavaNewEnoughHandsOverToTheProgram() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path jar = ManifestJar.write(dir);

    Subprocess run =
        Subprocess.run(
            List.of(java.toString(), "-jar", jar.toString(), "--version"),
            Map.of("PATH", "/usr/bin:/bin"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.lines()).containsExactly("dockhand 0.1.0");
  }

  @Test
  void theEntryClassLoadsOnJava8AndTheProgramIsBuiltForTheReleaseItChecksFor() throws Exception {
    assertThat(ManifestJar.declared()).containsEntry("Main-Class", RuntimeCheck.class.getName());
    assertThat(classFileMajor(RuntimeCheck.class)).as("Java 8's class file").isEqualTo(52);
    assertThat(classFileMajor(Main.class)).isEqualTo(44 + RuntimeCheck.REQUIRED);
  }

  @Test
  void specificationVersionsOfEitherFormReadAsTheirRelease() {
    assertThat(RuntimeCheck.feature("1.8")).isEqualTo(8);
    assertThat(RuntimeCheck.feature("17")).isEqualTo(17);
    assertThat(RuntimeCheck.feature("21")).isEqualTo(21);
    assertThat(RuntimeCheck.feature("25")).isEqualTo(25);
  }

  private static int classFileMajor(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class");
        DataInputStream data = new DataInputStream(in)) {
      data.readInt(); // 0xCAFEBABE
      data.readUnsignedShort(); // minor
      return data.readUnsignedShort();
    }
  }

  private record OldJava(Path java, int feature, Path home) {}

  /**
   * A Java older than 21 on this machine: the system's default {@code /usr/bin/java} (Debian 12's
   * is 17), else one under /usr/lib/jvm.
   */
  private static OldJava olderJava() throws Exception {
    List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/java")));
    try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
      homes.sorted().forEach(home -> candidates.add(home.resolve("bin/java")));
    }
    for (Path java : candidates) {
      Optional<Integer> feature = feature(java);
      if (feature.isPresent() && feature.get() < RuntimeCheck.REQUIRED) {
        return new OldJava(java, feature.get(), java.toRealPath().getParent().getParent());
      }
    }
    throw new AssertionError(
        "no Java older than 21 among "
            + candidates
            + " to start the jar with; install one (Debian 12: apt-get install"
            + " openjdk-17-jre-headless)");
  }

  private static Optional<Integer> feature(Path java) throws Exception {
    if (!Files.isExecutable(java)) {
      return Optional.empty();
    }
    Matcher version =
        VERSION.matcher(Subprocess.run(List.of(java.toString(), "-version"), Map.of()).output());
    return version.find() ? Optional.of(Integer.parseInt(version.group(1))) : Optional.empty();
  }
}
