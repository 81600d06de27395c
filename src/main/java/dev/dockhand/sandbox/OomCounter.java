package dev.dockhand.sandbox;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells whether the kernel's OOM killer struck in a container since the last look, from the
 * container's own memory cgroup (cgroup v1 {@code memory.oom_control} or v2 {@code memory.events},
 * both readable from inside). Used only after a command died of SIGKILL, to say why. Under gVisor
 * there are no such files and no OOM kill of one process: the host's OOM killer ends the whole
 * sandbox kernel, which {@link DockerContainer} sees as the container stopping, and reports.
 * Thread-safe.
 */
final class OomCounter {
  private static final Pattern OOM_KILL = Pattern.compile("(?m)^oom_kill (\\d+)$");
  private final ContainerExecs container;
  private long seen;

  OomCounter(ContainerExecs container) {
    this.container = container;
  }

  synchronized boolean killedSinceLastLook() {
    String text;
    try {
      text = lookAtCgroup();
    } catch (RuntimeException e) {
      return false; // Only an explanation is lost; the exit code still tells the command died.
    }
    Matcher matcher = OOM_KILL.matcher(text);
    long count = 0;
    while (matcher.find()) {
      count = Math.max(count, Long.parseLong(matcher.group(1)));
    }
    boolean killed = count > seen;
    seen = count;
    return killed;
  }

  private String lookAtCgroup() {
    return container.runQuietly(
        List.of(
            "sh",
            "-c",
            "cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events"
                + " 2>/dev/null; true"));
  }
}
