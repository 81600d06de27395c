package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.dockhand.config.Env;
import dev.dockhand.egress.Allowlist;
import dev.dockhand.egress.EgressProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What the warm pool's tests share: settings under the engine's default runtime (runc, where mount
 * propagation works; gVisor has a test of its own), real task disks, one egress proxy per task in
 * front of a loopback "registry", and a record of the pool's hits and misses.
 */
final class PoolFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  final Path dataDir;
  final TaskDisks disks;
  final HttpServer registry;
  final List<Boolean> handOvers = new CopyOnWriteArrayList<>();
  private final List<WarmPool> pools = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
  private final AtomicInteger disksMade = new AtomicInteger();

  PoolFixture(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    this.disks = new TaskDisks(dataDir.resolve("tasks"), settings(Map.of()).disk());
    registry = SandboxFixture.registry();
  }

  static SandboxSettings settings(Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("DOCKHAND_SANDBOX_MEMORY_MB", "256");
    values.put("DOCKHAND_SANDBOX_PIDS", "128");
    values.put("DOCKHAND_SANDBOX_DISK_MB", "64");
    values.put("DOCKHAND_SANDBOX_FILES", "10000");
    values.put("DOCKHAND_WARM_POOL", "2");
    values.putAll(overrides);
    return SandboxSettings.from(new Env(values));
  }

  WarmPool pool(DockerSandbox sandbox) {
    WarmPool pool = WarmPool.start(sandbox, dataDir, handOvers::add);
    pools.add(pool);
    return pool;
  }

  String registryUrl() {
    return "http://127.0.0.1:" + registry.getAddress().getPort() + "/pkg";
  }

  /** One attempt's disk and egress proxy, as the pipeline makes them; closed with the fixture. */
  Attempt attempt() {
    TaskDisk disk = disks.create("attempt-" + disksMade.incrementAndGet());
    try {
      Allowlist allowlist =
          Allowlist.parse("127.0.0.1:" + registry.getAddress().getPort(), "DOCKHAND_EGRESS_ALLOW");
      EgressProxy proxy =
          EgressProxy.builder(dataDir.resolve(disk.name() + ".sock"), allowlist).start();
      opened.add(disk);
      opened.add(proxy);
      return new Attempt(disk, proxy, disk.files().withEgressSocket(proxy.socketPath()));
    } catch (IOException e) {
      disk.close();
      throw new UncheckedIOException(e);
    }
  }

  record Attempt(TaskDisk disk, EgressProxy proxy, TaskFiles files) {}

  /** Polls (with a deadline) until {@code condition} holds. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: %s", what).isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a poll with a deadline
    }
  }

  static void awaitFull(WarmPool pool, int size) {
    await("the pool holds " + size, () -> pool.idle() == size);
  }

  /** Closes the pools (and their sandboxes), then proxies and disks, then the registry. */
  @Override
  public void close() throws Exception {
    for (WarmPool pool : pools) {
      pool.close();
    }
    for (AutoCloseable each : opened.reversed()) {
      each.close();
    }
    registry.stop(0);
  }
}
