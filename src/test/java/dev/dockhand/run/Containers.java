package dev.dockhand.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the Docker engine itself says, through the docker CLI (no code of ours in between). */
final class Containers {
  private Containers() {}

  /** Ids of containers, running or not, carrying {@code label} (key=value). */
  static List<String> labelled(String label) throws IOException, InterruptedException {
    return ids("--filter", "label=" + label);
  }

  /** Ids of every container on the engine. */
  static List<String> all() throws IOException, InterruptedException {
    return ids();
  }

  private static List<String> ids(String... filter) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker", "ps", "-aq", "--no-trunc"));
    command.addAll(List.of(filter));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("docker ps failed: " + output);
    }
    return output.lines().filter(line -> !line.isBlank()).toList();
  }
}
