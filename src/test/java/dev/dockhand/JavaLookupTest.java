package dev.dockhand;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.testkit.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How scripts/run.sh, scripts/test.sh (through scripts/lib.sh) and the dockhand command find a Java
 * 21 or newer, on a host made up here: a PATH of stub commands whose {@code java} is Debian 12's
 * 17, a JVM directory of our own, no JAVA_HOME, and the system described by an os-release file.
 */
class JavaLookupTest {
  private static final String DEBIAN_12 =
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
          + "VERSION_CODENAME=bookworm\n";
  private static final String UBUNTU_24 =
      "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n"
          + "VERSION_CODENAME=noble\n";
  private static final Path SCRIPTS = Path.of("scripts").toAbsolutePath();

  @TempDir Path host;
  private Path bin;
  private Path jvm;
  private Path aptLog;

  @BeforeEach
  void makeHost() throws IOException {
    bin = Files.createDirectories(host.resolve("bin"));
    jvm = Files.createDirectories(host.resolve("jvm"));
    aptLog = host.resolve("apt-get.log");
    for (String tool : List.of("bash", "awk", "dirname", "readlink")) {
      Files.createSymbolicLink(bin.resolve(tool), real(tool));
    }
    fakeJava(bin, 17, "17.0.15");
    fakeJava(Files.createDirectories(jvm.resolve("java-17-openjdk-amd64/bin")), 17, "17.0.15");
    user(0);
    // "Installs" a JDK 21 the way Debian's package lays it out, and logs what it was asked.
    script(
        bin.resolve("apt-get"),
        "echo \"$*\" >> "
            + aptLog
            + "\ncase \"$*\" in *install*) /bin/mkdir -p "
            + jvm.resolve("java-21-openjdk-amd64/bin")
            + " && /bin/cp "
            + host.resolve("jdk21/bin/java")
            + " "
            + host.resolve("jdk21/bin/javac")
            + " "
            + jvm.resolve("java-21-openjdk-amd64/bin")
            + ";; esac\n");
    Path jdk21 = Files.createDirectories(host.resolve("jdk21/bin"));
    fakeJava(jdk21, 21, "21.0.5");
    script(jdk21.resolve("javac"), "exit 0\n");
  }

  @Test
  void onDebian12TheScriptsSayInOneLineWhatToRunInsteadAndInstallNothing() throws Exception {
    Subprocess lookup = findJdk(DEBIAN_12);

    assertThat(lookup.exitCode()).isEqualTo(1);
    assertThat(lookup.lines())
        .containsExactly(
            "dockhand: Debian GNU/Linux 12 (bookworm) has no JDK 21 or newer; run"
                + " scripts/jdk-up.sh --adoptium (adds Adoptium's apt repository and installs"
                + " Temurin 21), or run Dockhand in its container (deploy/compose.yaml)");
    assertThat(aptLog).doesNotExist();
  }

  @Test
  void whereTheDistributionHasAJdkTheScriptsInstallItAndUseIt() throws Exception {
    Subprocess lookup = findJdk(UBUNTU_24);

    assertThat(lookup.exitCode()).as(lookup.output()).isZero();
    assertThat(lookup.lines())
        .containsExactly(
            "dockhand: installing a JDK 21 (apt-get install openjdk-21-jdk-headless)",
            "JAVA_HOME=" + jvm.resolve("java-21-openjdk-amd64"));
    assertThat(Files.readAllLines(aptLog))
        .containsExactly("update -q", "install -y -q openjdk-21-jdk-headless");
  }

  @Test
  void withoutRootTheScriptsSayInOneLineWhichPackageToInstall() throws Exception {
    user(1000);

    Subprocess lookup = findJdk(UBUNTU_24);

    assertThat(lookup.exitCode()).isEqualTo(1);
    assertThat(lookup.lines())
        .containsExactly(
            "dockhand: no JDK 21 or newer found (JAVA_HOME, PATH, "
                + jvm
                + "); install one as root: apt-get install -y openjdk-21-jdk-headless");
    assertThat(aptLog).doesNotExist();
  }

  @Test
  void jdkUpInstallsTheDistributionsJdkAndOnDebian12NamesTheAdoptiumWay() throws Exception {
    Subprocess debian = jdkUp(DEBIAN_12);
    assertThat(debian.exitCode()).isEqualTo(1);
    assertThat(debian.lines()).singleElement().asString().contains("jdk-up.sh --adoptium");
    assertThat(aptLog).doesNotExist();

    Subprocess ubuntu = jdkUp(UBUNTU_24);
    assertThat(ubuntu.exitCode()).as(ubuntu.output()).isZero();
    assertThat(ubuntu.lines())
        .containsExactly(
            "jdk-up: apt-get install openjdk-21-jdk-headless",
            "jdk-up: " + jvm.resolve("java-21-openjdk-amd64") + " (Java 21)");

    Subprocess again = jdkUp(UBUNTU_24);
    assertThat(again.lines())
        .containsExactly(
            "jdk-up: " + jvm.resolve("java-21-openjdk-amd64") + " is a JDK 21; nothing to install");
  }

  @Test
  void theDistributionsPackagesAreKnownByRelease() throws Exception {
    Map<String, String> systems =
        Map.of(
            "ID=debian\nVERSION_ID=\"12\"\n", "",
            "ID=debian\nVERSION_ID=\"13\"\n", "openjdk-21-jdk-headless",
            "ID=debian\nVERSION_CODENAME=forky\n", "openjdk-21-jdk-headless",
            "ID=ubuntu\nVERSION_ID=\"20.04\"\n", "",
            "ID=ubuntu\nVERSION_ID=\"22.04\"\n", "openjdk-21-jdk-headless",
            "ID=ubuntu\nVERSION_ID=\"24.04\"\n", "openjdk-21-jdk-headless",
            "ID=fedora\nVERSION_ID=\"41\"\n", "");
    for (Map.Entry<String, String> system : systems.entrySet()) {
      Subprocess lookup = shell(system.getKey(), "java_package jdk", Map.of());
      assertThat(lookup.output().strip()).as(system.getKey()).isEqualTo(system.getValue());
    }
  }

  @Test
  void theNewestJavaUnderTheJvmDirectoryIsTakenWhenNeitherJavaHomeNorPathHasOne() throws Exception {
    fakeJava(Files.createDirectories(jvm.resolve("temurin-25-jdk-amd64/bin")), 25, "25.0.1");
    fakeJava(Files.createDirectories(jvm.resolve("temurin-21-jdk-amd64/bin")), 21, "21.0.5");

    Subprocess lookup = shell(DEBIAN_12, "find_java && echo \"$JAVA_HOME\"", Map.of());

    assertThat(lookup.output().strip()).isEqualTo(jvm.resolve("temurin-25-jdk-amd64").toString());
  }

  @Test
  void theDockhandCommandRunsTheJarOnTheJavaItFindsWithTheOptionsItIsGiven() throws Exception {
    Path jar = Files.writeString(host.resolve("dockhand.jar"), "");
    Map<String, String> environment =
        Map.of(
            "JAVA_HOME", host.resolve("jdk21").toString(),
            "DOCKHAND_JAR", jar.toString(),
            "DOCKHAND_JAVA_OPTS", "-Xmx256m -XX:MaxRAMPercentage=50");

    Subprocess run = dockhand(DEBIAN_12, environment, "tasks", "--server", "http://127.0.0.1:9");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.lines())
        .containsExactly(
            "java 21 ran: -Xmx256m -XX:MaxRAMPercentage=50 -jar "
                + jar
                + " tasks --server http://127.0.0.1:9");
  }

  @Test
  void theDockhandCommandWithoutAJavaSaysInOneLineWhatToInstall() throws Exception {
    Path jar = Files.writeString(host.resolve("dockhand.jar"), "");

    Subprocess run = dockhand(UBUNTU_24, Map.of("DOCKHAND_JAR", jar.toString()), "tasks");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.lines())
        .containsExactly(
            "dockhand: no Java 21 or newer found (JAVA_HOME, PATH, "
                + jvm
                + "); install one as root: apt-get install -y openjdk-21-jre-headless");
    assertThat(aptLog).as("the command installs nothing").doesNotExist();
  }

  private Subprocess jdkUp(String osRelease) throws Exception {
    return script("jdk-up.sh", osRelease, Map.of());
  }

  private Subprocess findJdk(String osRelease) throws Exception {
    return shell(osRelease, "find_jdk && echo \"JAVA_HOME=$JAVA_HOME\"", Map.of());
  }

  /** {@code script} in bash after sourcing scripts/lib.sh, on the made-up host. */
  private Subprocess shell(String osRelease, String script, Map<String, String> extra)
      throws Exception {
    return Subprocess.run(
        List.of(
            bin.resolve("bash").toString(),
            "-c",
            "set -euo pipefail; source " + SCRIPTS.resolve("lib.sh") + "; " + script),
        environment(osRelease, extra));
  }

  private Subprocess dockhand(String osRelease, Map<String, String> extra, String... args)
      throws Exception {
    return script("dockhand", osRelease, extra, args);
  }

  /** scripts/{@code name} with {@code args}, on the made-up host. */
  private Subprocess script(
      String name, String osRelease, Map<String, String> extra, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(bin.resolve("bash").toString(), SCRIPTS.resolve(name).toString()));
    command.addAll(List.of(args));
    return Subprocess.run(command, environment(osRelease, extra));
  }

  private Map<String, String> environment(String osRelease, Map<String, String> extra)
      throws IOException {
    Map<String, String> environment = new HashMap<>(extra);
    environment.put("PATH", bin.toString());
    environment.put("DOCKHAND_JVM_DIR", jvm.toString());
    environment.put(
        "DOCKHAND_OS_RELEASE", Files.writeString(host.resolve("os-release"), osRelease).toString());
    return environment;
  }

  /** The user the scripts see: {@code id -u} answers {@code uid}. */
  private void user(int uid) throws IOException {
    script(bin.resolve("id"), "echo " + uid + "\n");
  }

  /** A {@code java} that answers {@code -version} like OpenJDK's and echoes anything else. */
  private static void fakeJava(Path dir, int feature, String version) throws IOException {
    script(
        dir.resolve("java"),
        "if [ \"$1\" = -version ]; then echo 'openjdk version \""
            + version
            + "\" 2025-04-15' >&2; exit 0; fi\necho \"java "
            + feature
            + " ran: $*\"\n");
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path real(String tool) {
    for (String dir : List.of("/usr/bin", "/bin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool);
      }
    }
    throw new IllegalStateException(tool + " is not in /usr/bin or /bin");
  }
}
