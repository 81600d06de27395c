package dev.dockhand;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README, the scripts and the systemd unit start Dockhand with its command (scripts/dockhand),
 * which finds a Java new enough, never with a bare {@code java -jar} that runs whatever Java the
 * host defaults to.
 */
class LauncherUseTest {
  @Test
  void theReadmesCommandsAreTheDockhandCommands() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(readme)
        .doesNotContain("java -jar")
        .contains(
            "scripts/dockhand submit --repo",
            "install -m 0755 scripts/dockhand /opt/dockhand/dockhand",
            "ln -sf /opt/dockhand/dockhand /usr/local/bin/dockhand",
            "`dockhand worker-image build`");
  }

  @Test
  void theServiceAndTheQuickStartServeThroughTheDockhandCommand() throws IOException {
    assertThat(Files.readAllLines(Path.of("deploy/dockhand.service")))
        .contains("ExecStart=/opt/dockhand/dockhand serve")
        .noneMatch(line -> line.matches("ExecStart=.*java.*"));
    assertThat(Files.readString(Path.of("scripts/run.sh")))
        .contains("exec scripts/dockhand serve \"$@\"");
    try (Stream<Path> scripts = Files.list(Path.of("scripts"))) {
      List<Path> all = scripts.toList();
      assertThat(all).contains(Path.of("scripts/dockhand"));
      for (Path script : all) {
        assertThat(Files.readString(script)).as(script.toString()).doesNotContain("java -jar");
      }
    }
  }
}
