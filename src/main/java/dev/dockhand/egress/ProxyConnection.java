package dev.dockhand.egress;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from a container: reads its request head within bounds and a deadline, decides,
 * and either tunnels (CONNECT), forwards one plain HTTP exchange, or answers with an error and
 * closes. Everything read from the client is untrusted; what is sent upstream is rebuilt from
 * parsed parts. Not thread-safe: one virtual thread runs it.
 */
final class ProxyConnection implements Runnable {
  static final int MAX_HEAD_BYTES = 16 * 1024;
  private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}");
  private static final Pattern VERSION = Pattern.compile("HTTP/1\\.[01]");

  private static final byte[] ESTABLISHED =
      "HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private final EgressProxy proxy;
  private final SocketChannel client;
  private final AtomicBoolean timedOut = new AtomicBoolean();

  ProxyConnection(EgressProxy proxy, SocketChannel client) {
    this.proxy = proxy;
    this.client = client;
  }

  @Override
  public void run() {
    try {
      handle();
    } catch (IOException e) {
      // The client or the upstream went away; there is no one left to tell.
    } catch (RuntimeException e) {
      // The class and place only: a message could quote what the container sent.
      StackTraceElement[] where = e.getStackTrace();
      log.warn(
          "egress: a connection failed with {} at {}",
          e.getClass().getName(),
          where.length > 0 ? where[0] : "?");
    } finally {
      Splice.closeQuietly(client);
      proxy.connectionDone(client);
    }
  }

  private void handle() throws IOException {
    ChannelReader reader = new ChannelReader(client, EgressProxy.BUFFER_BYTES);
    Optional<HttpHead> head = readHead(reader);
    if (head.isEmpty()) {
      return;
    }
    String[] parts = head.get().startLine().split(" ", -1);
    if (parts.length != 3
        || !METHOD.matcher(parts[0]).matches()
        || !VERSION.matcher(parts[2]).matches()) {
      answer(400, "the request line must be 'METHOD target HTTP/1.1'");
      return;
    }
    if (parts[0].equals("CONNECT")) {
      tunnel(parts[1], reader);
    } else {
      PlainExchange.Request request;
      try {
        request = PlainExchange.Request.parse(parts, head.get());
      } catch (HttpHead.Malformed e) {
        answer(400, e.getMessage());
        return;
      }
      Optional<SocketChannel> upstream = open(request.target());
      if (upstream.isPresent()) {
        try (SocketChannel channel = upstream.get()) {
          new PlainExchange(request, reader, client, channel, proxy).run();
        } finally {
          proxy.finished(upstream.get());
        }
      }
    }
  }

  /** The request head, or empty once the client has been answered (or left without a word). */
  private Optional<HttpHead> readHead(ChannelReader reader) throws IOException {
    Future<?> watchdog = proxy.after(proxy.headTimeout(), this::timeOut);
    String text;
    try {
      text = reader.readHead(MAX_HEAD_BYTES);
    } catch (ChannelReader.TooLong e) {
      answer(400, "the request head is over " + MAX_HEAD_BYTES / 1024 + " KiB");
      return Optional.empty();
    } catch (EOFException e) {
      text = null;
    } finally {
      watchdog.cancel(false);
    }
    if (timedOut.get()) {
      answer(408, "no complete request head within " + proxy.headTimeout().toMillis() + " ms");
      return Optional.empty();
    }
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(HttpHead.parse(text));
    } catch (HttpHead.Malformed e) {
      answer(400, e.getMessage());
      return Optional.empty();
    }
  }

  private void answer(int status, String text) throws IOException {
    Answers.reply(client, proxy, status, text);
  }

  /** Ends a read that has waited too long for the head: the blocked read then sees the end. */
  private void timeOut() {
    timedOut.set(true);
    try {
      client.shutdownInput();
    } catch (IOException e) {
      Splice.closeQuietly(client);
    }
  }

  private void tunnel(String authority, ChannelReader reader) throws IOException {
    Optional<Target> target = Target.parse(authority, 0);
    if (target.isEmpty()) {
      answer(400, "CONNECT needs host:port");
      return;
    }
    Optional<SocketChannel> upstream = open(target.get());
    if (upstream.isEmpty()) {
      return;
    }
    try (SocketChannel channel = upstream.get()) {
      Splice.writeFully(client, ByteBuffer.wrap(ESTABLISHED));
      Splice.run(reader, client, channel);
    } finally {
      proxy.finished(upstream.get());
    }
  }

  /**
   * Checks the target against the allowlist, resolves it once, vets every address and connects to a
   * vetted one; answers the client itself (403, 502) and returns empty when it does not.
   */
  private Optional<SocketChannel> open(Target target) throws IOException {
    Optional<EgressEntry> entry = proxy.allowlist().match(target.host(), target.port());
    if (entry.isEmpty()) {
      proxy.blocked().record(target.host(), target.port());
      answer(403, Answers.notListed(target));
      return Optional.empty();
    }
    List<InetAddress> addresses;
    try {
      addresses =
          target.literal()
              ? List.of(IpLiteral.parse(target.host()).orElseThrow())
              : proxy.resolver().resolve(target.host());
    } catch (UnknownHostException e) {
      answer(502, "cannot resolve " + target.host());
      return Optional.empty();
    }
    if (addresses.isEmpty()) {
      answer(502, "cannot resolve " + target.host());
      return Optional.empty();
    }
    for (InetAddress address : addresses) {
      if (!AddressPolicy.permitted(address, entry.get())) {
        proxy.blocked().record(target.host(), target.port());
        answer(403, Answers.nonPublic(target));
        return Optional.empty();
      }
    }
    for (InetAddress address : addresses) {
      try {
        SocketChannel upstream =
            proxy.connector().connect(new InetSocketAddress(address, target.port()));
        if (!proxy.track(upstream)) {
          Splice.closeQuietly(upstream);
          return Optional.empty();
        }
        return Optional.of(upstream);
      } catch (IOException e) {
        // Try the next vetted address; the answer below covers them all.
      }
    }
    answer(502, "cannot connect to " + target);
    return Optional.empty();
  }
}
