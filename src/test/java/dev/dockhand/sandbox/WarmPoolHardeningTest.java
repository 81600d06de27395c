package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import dev.dockhand.testkit.TestSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pooled container and a fresh one side by side, as the engine reports them and as a command
 * inside sees itself: the same hardening, the binds differing only in their host side and in their
 * propagation.
 */
@Tag("docker")
class WarmPoolHardeningTest {
  private static final Duration SHORT = Duration.ofSeconds(30);

  /** What a process inside knows of its own limits and of the mounts it may write. */
  private static final String SELF =
      "grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status; ulimit -a; id;"
          + " awk '$5 ~ /^\\/(workspace|tmp|home\\/agent|run\\/dockhand\\/egress.sock)$/"
          + " {opts[$5] = $6} END {for (m in opts) print m, opts[m]}' /proc/self/mountinfo | sort";

  @TempDir Path temp;

  @Test
  void aPooledContainerIsHardenedExactlyLikeAFreshOne() throws Exception {
    try (PoolFixture fixture = new PoolFixture(temp)) {
      DockerSandbox sandbox =
          new DockerSandbox(PoolFixture.settings(Map.of()), SandboxFixture.uniqueNode());
      WarmPool pool = fixture.pool(sandbox);
      PoolFixture.awaitFull(pool, 2);
      try (SandboxContainer fresh = sandbox.start("fresh-" + System.nanoTime(), files(fixture));
          SandboxContainer pooled = pool.start("pooled-" + System.nanoTime(), files(fixture))) {
        JsonNode freshly = inspect(fresh);
        JsonNode fromPool = inspect(pooled);

        assertThat(fixture.handOvers).containsExactly(true);
        assertThat(destinations(fromPool))
            .isEqualTo(
                destinations(freshly).stream().map(destination -> destination + ",rslave").toList())
            .hasSize(4);
        assertThat(withoutBinds(fromPool.path("HostConfig")))
            .isEqualTo(withoutBinds(freshly.path("HostConfig")));
        for (String field : List.of("User", "Env", "Cmd", "Entrypoint", "Image", "WorkingDir")) {
          assertThat(fromPool.path("Config").path(field))
              .as(field)
              .isEqualTo(freshly.path("Config").path(field));
        }
        assertThat(fromPool.path("Config").path("Labels").path("dockhand.node"))
            .isEqualTo(freshly.path("Config").path("Labels").path("dockhand.node"));
        String inFresh = fresh.exec(bash(SHORT, SELF)).output();
        assertThat(inFresh).contains("NoNewPrivs:\t1", "/workspace rw,nosuid,nodev");
        assertThat(pooled.exec(bash(SHORT, SELF)).output()).isEqualTo(inFresh);
      }
    }
  }

  private static TaskFiles files(PoolFixture fixture) {
    return fixture.attempt().files();
  }

  private static JsonNode inspect(SandboxContainer container) throws Exception {
    return Json.MAPPER.readTree(TestSandbox.inspect(container.id())).get(0);
  }

  /** Each bind without its host side: where it goes and how. */
  private static List<String> destinations(JsonNode inspected) {
    List<String> destinations = new ArrayList<>();
    for (JsonNode bind : inspected.path("HostConfig").path("Binds")) {
      String text = bind.asText();
      destinations.add(text.substring(text.indexOf(':') + 1));
    }
    return destinations;
  }

  private static JsonNode withoutBinds(JsonNode hostConfig) {
    ObjectNode copy = hostConfig.deepCopy();
    copy.remove("Binds");
    return copy;
  }
}
