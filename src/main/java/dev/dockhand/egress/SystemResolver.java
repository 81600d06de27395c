package dev.dockhand.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JDK's resolver, run on a few platform threads: a name lookup is a native call that would hold
 * a virtual thread's carrier for as long as DNS takes, and a container asking for many slow names
 * must not stall every virtual thread of the coordinator. A lookup that takes over 10 s counts as
 * failed. Thread-safe.
 */
final class SystemResolver implements Resolver {
  static final SystemResolver INSTANCE = new SystemResolver();
  private static final long TIMEOUT_SECONDS = 10;

  private final ExecutorService lookups =
      Executors.newFixedThreadPool(
          8, Thread.ofPlatform().daemon().name("egress-dns-", 0).factory());

  private SystemResolver() {}

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    Future<InetAddress[]> answer = lookups.submit(() -> InetAddress.getAllByName(host));
    try {
      return List.of(answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw unknown;
      }
      throw new UnknownHostException(host);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new UnknownHostException(host + " (lookup timed out)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.cancel(true);
      throw new UnknownHostException(host + " (interrupted)");
    }
  }
}
