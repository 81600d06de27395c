package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.egress.Allowlist;
import dev.dockhand.egress.EgressProxy;
import dev.dockhand.egress.Resolver;
import dev.dockhand.events.EventPayload.NetworkBlocked;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.TaskFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt's way out of its container in the {@code allowlist} network mode: an egress proxy on
 * a Unix socket of its own, allowing the operator's hosts plus those the person added for this
 * task, whose refusals become {@code network.blocked} events of the task. Absent in the other
 * modes. Closed after the container, so its last aggregated refusals are recorded too. Thread-safe.
 */
final class AttemptEgress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AttemptEgress.class);

  /** Linux's limit for a Unix socket's path, less its terminating byte. */
  static final int MAX_SOCKET_PATH = 107;

  private final Optional<EgressProxy> proxy;

  private AttemptEgress(Optional<EgressProxy> proxy) {
    this.proxy = proxy;
  }

  static AttemptEgress none() {
    return new AttemptEgress(Optional.empty());
  }

  /** Starts the attempt's proxy with its socket in {@code socketDir}. */
  static AttemptEgress open(
      Path socketDir, TaskContext context, Allowlist allowlist, Resolver resolver) {
    Path socket =
        socketDir.resolve(context.task().shortId() + "-" + context.task().attempt() + ".sock");
    try {
      // Only root (the engine binding the socket into the container) needs to reach the sockets.
      Files.createDirectories(socketDir);
      Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
      Files.deleteIfExists(socket);
      EgressProxy proxy =
          EgressProxy.builder(socket, allowlist)
              .resolver(resolver)
              .listener(
                  (host, port, count) -> {
                    try {
                      context.events().append(new NetworkBlocked(host, port, count));
                    } catch (RuntimeException e) {
                      // The attempt may have ended (lease lost, event cap): the refusal itself
                      // held.
                      log.debug(
                          "task {}: blocked host not recorded: {}",
                          context.task().id(),
                          e.toString());
                    }
                  })
              .start();
      return new AttemptEgress(Optional.of(proxy));
    } catch (IOException | UncheckedIOException e) {
      throw new DockhandException(
          "egress", "cannot start the egress proxy for this task: " + e.getMessage(), true, e);
    }
  }

  /** What the container mounts: {@code files} plus the proxy's socket, when there is a proxy. */
  TaskFiles mounts(TaskFiles files) {
    return proxy.map(open -> files.withEgressSocket(open.socketPath())).orElse(files);
  }

  @Override
  public void close() {
    proxy.ifPresent(EgressProxy::close);
  }
}
