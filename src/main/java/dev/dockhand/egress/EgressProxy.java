package dev.dockhand.egress;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress proxy of one task attempt: an HTTP forward proxy (absolute-form plain HTTP and CONNECT
 * tunnels, no TLS interception) on a Unix domain socket that the task's container mounts as its
 * only way out. Each connection is checked against the task's {@link Allowlist} and the address
 * policy (no loopback, private, link-local or metadata address unless an operator named that
 * literal address); refusals are answered with a 403 naming the destination and reported,
 * aggregated, to a {@link BlockedListener}. Thread-safe; {@link #close} may be called from any
 * thread, more than once.
 */
public final class EgressProxy implements AutoCloseable {
  /** Bytes of each direction's buffer; large, so a tunnel runs near the speed of a direct copy. */
  static final int BUFFER_BYTES = 128 * 1024;

  private static final Logger log = LoggerFactory.getLogger(EgressProxy.class);

  private final Path socketPath;
  private final Allowlist allowlist;
  private final Resolver resolver;
  private final Connector connector;
  private final BlockedHosts blocked;
  private final Duration headTimeout;
  private final Semaphore slots;
  private final ServerSocketChannel server;
  private final ScheduledExecutorService scheduler;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  private EgressProxy(EgressProxyBuilder builder, ServerSocketChannel server) {
    this.socketPath = builder.socketPath;
    this.allowlist = builder.allowlist;
    this.resolver = builder.resolver;
    this.connector = builder.connector;
    this.blocked = new BlockedHosts(builder.listener, builder.clock, builder.reportInterval);
    this.headTimeout = builder.headTimeout;
    this.slots = new Semaphore(builder.maxConnections);
    this.server = server;
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("egress-timer").factory());
    timers.setRemoveOnCancelPolicy(true);
    this.scheduler = timers;
    long tick = Math.max(50, Math.min(1000, builder.reportInterval.toMillis() / 2));
    scheduler.scheduleWithFixedDelay(blocked::flushDue, tick, tick, TimeUnit.MILLISECONDS);
    this.acceptor = Thread.ofVirtual().name("egress-accept").unstarted(this::acceptLoop);
  }

  /** Starts accepting on the bound {@code server} with the builder's settings. */
  static EgressProxy serve(EgressProxyBuilder builder, ServerSocketChannel server) {
    EgressProxy proxy = new EgressProxy(builder, server);
    proxy.acceptor.start();
    return proxy;
  }

  /** A proxy with the system resolver, plain connections and the default limits. */
  public static EgressProxy start(Path socketPath, Allowlist allowlist, BlockedListener listener)
      throws IOException {
    return builder(socketPath, allowlist).listener(listener).start();
  }

  public static EgressProxyBuilder builder(Path socketPath, Allowlist allowlist) {
    return new EgressProxyBuilder(socketPath, allowlist);
  }

  public Path socketPath() {
    return socketPath;
  }

  public Allowlist allowlist() {
    return allowlist;
  }

  /**
   * Stops accepting, closes every live connection, waits briefly for their threads, reports any
   * refusal totals not yet reported and deletes the socket file.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Splice.closeQuietly(server);
    open.forEach(Splice::closeQuietly);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (Thread thread : Set.copyOf(workers)) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          thread.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    scheduler.shutdownNow();
    blocked.close();
    try {
      Files.deleteIfExists(socketPath);
    } catch (IOException e) {
      log.warn("egress: could not delete the socket file {}: {}", socketPath, e.toString());
    }
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.warn("egress: accept failed: {}", e.toString());
        pause();
        continue;
      }
      if (!track(client)) {
        return;
      }
      if (!slots.tryAcquire()) {
        Thread.ofVirtual().name("egress-busy").start(() -> refuseBusy(client));
        continue;
      }
      Thread worker =
          Thread.ofVirtual().name("egress-conn").unstarted(new ProxyConnection(this, client));
      workers.add(worker);
      worker.start();
    }
  }

  private void refuseBusy(SocketChannel client) {
    try (client) {
      Answers.reply(client, this, 503, "too many connections through this task's egress proxy");
    } catch (IOException e) {
      // The client left; nothing to tell it.
    } finally {
      open.remove(client);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50); // Out of file descriptors or similar: do not spin on a failing accept.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records a channel to close with the proxy; false (and nothing recorded) once it is closed. */
  boolean track(SocketChannel channel) {
    open.add(channel);
    if (closed) {
      open.remove(channel);
      Splice.closeQuietly(channel);
      return false;
    }
    return true;
  }

  /** Called when a connection is done with its upstream channel. */
  void finished(SocketChannel upstream) {
    open.remove(upstream);
  }

  /** Called by a connection's own thread as it ends; frees its slot. */
  void connectionDone(SocketChannel client) {
    open.remove(client);
    workers.remove(Thread.currentThread());
    slots.release();
  }

  Resolver resolver() {
    return resolver;
  }

  Connector connector() {
    return connector;
  }

  BlockedHosts blocked() {
    return blocked;
  }

  /**
   * Runs {@code task} after {@code delay} (a deadline); at once if the proxy is closing, since then
   * every wait should end.
   */
  Future<?> after(Duration delay, Runnable task) {
    try {
      return scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      task.run();
      return CompletableFuture.completedFuture(null);
    }
  }

  Duration headTimeout() {
    return headTimeout;
  }
}
