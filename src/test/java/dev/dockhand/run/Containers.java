package dev.dockhand.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What the Docker engine itself says, through the docker CLI (no code of ours in between). */
final class Containers {
  private Containers() {}

  /** Ids of containers, running or not, carrying {@code label} (key=value). */
  static List<String> labelled(String label) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=" + label)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("docker ps failed: " + output);
    }
    return output.lines().filter(line -> !line.isBlank()).toList();
  }
}
