package dev.dockhand.egress;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * One plain HTTP exchange through the proxy: the absolute-form request re-written to origin-form
 * (Host from the URL, hop-by-hop and Proxy-* fields dropped, {@code Connection: close}), its body
 * passed on by its own framing (Content-Length or chunked, nothing after it), and the response
 * streamed back with {@code Connection: close} in its head. Not thread-safe: it runs once, with one
 * helper thread for the request body.
 */
final class PlainExchange {
  private static final int MAX_RESPONSE_HEAD_BYTES = 32 * 1024;
  private static final int MAX_CHUNK_LINE = 4096;
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] [1-9]\\d\\d( .*)?");
  private static final Pattern LENGTH = Pattern.compile("\\d{1,18}");
  private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9a-fA-F]{1,15}");

  /** A parsed, checked request: where it goes and what is sent there. */
  record Request(
      Target target,
      String method,
      String pathAndQuery,
      String version,
      List<HttpHead.Header> headers,
      boolean chunked,
      long length) {

    /**
     * Reads an absolute-form request; throws with a message for the client when it is not one this
     * proxy forwards.
     */
    static Request parse(String[] requestLine, HttpHead head) throws HttpHead.Malformed {
      String uri = requestLine[1];
      if (uri.regionMatches(true, 0, "https://", 0, 8)) {
        throw new HttpHead.Malformed("send https through a CONNECT tunnel");
      }
      if (!uri.regionMatches(true, 0, "http://", 0, 7)) {
        throw new HttpHead.Malformed("this is a proxy: the target must be an absolute http:// URL");
      }
      String rest = uri.substring(7);
      int end = rest.length();
      for (char stop : new char[] {'/', '?', '#'}) {
        int at = rest.indexOf(stop);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      String authority = rest.substring(0, end);
      if (authority.contains("@")) {
        throw new HttpHead.Malformed("credentials in the URL are not forwarded");
      }
      Target target =
          Target.parse(authority, 80)
              .orElseThrow(() -> new HttpHead.Malformed("the URL's host is not a host name"));
      String path = rest.substring(end);
      int fragment = path.indexOf('#');
      path = fragment >= 0 ? path.substring(0, fragment) : path;
      path = path.isEmpty() || path.startsWith("?") ? "/" + path : path;

      List<String> codings = head.values("transfer-encoding");
      List<String> lengths = head.values("content-length");
      boolean chunked = !codings.isEmpty();
      long length = 0;
      if (chunked) {
        if (codings.size() != 1 || !codings.getFirst().equalsIgnoreCase("chunked")) {
          throw new HttpHead.Malformed("only the chunked transfer coding is supported");
        }
        if (!lengths.isEmpty() || requestLine[2].equals("HTTP/1.0")) {
          throw new HttpHead.Malformed("Transfer-Encoding with Content-Length or HTTP/1.0");
        }
      } else if (!lengths.isEmpty()) {
        if (lengths.stream().distinct().count() != 1
            || !LENGTH.matcher(lengths.getFirst()).matches()) {
          throw new HttpHead.Malformed("Content-Length must be one number");
        }
        length = Long.parseLong(lengths.getFirst());
      }
      List<HttpHead.Header> headers = new ArrayList<>();
      headers.add(new HttpHead.Header("Host", hostField(target, authority)));
      headers.addAll(head.endToEnd(Set.of("host")));
      headers.add(new HttpHead.Header("Connection", "close"));
      // The client's version goes upstream, so an HTTP/1.0 client never gets a chunked answer.
      return new Request(
          target, requestLine[0], path, requestLine[2], List.copyOf(headers), chunked, length);
    }

    private static String hostField(Target target, String authority) {
      String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
      return authority.contains("]:") || (!authority.startsWith("[") && authority.contains(":"))
          ? host + ":" + target.port()
          : host;
    }
  }

  private final Request request;
  private final ChannelReader fromClient;
  private final SocketChannel client;
  private final SocketChannel upstream;
  private final EgressProxy proxy;
  private final AtomicBoolean badBody = new AtomicBoolean();

  PlainExchange(
      Request request,
      ChannelReader fromClient,
      SocketChannel client,
      SocketChannel upstream,
      EgressProxy proxy) {
    this.proxy = proxy;
    this.request = request;
    this.fromClient = fromClient;
    this.client = client;
    this.upstream = upstream;
  }

  void run() throws IOException {
    String line = request.method() + " " + request.pathAndQuery() + " " + request.version();
    try {
      Splice.writeFully(upstream, ByteBuffer.wrap(HttpHead.render(line, request.headers())));
    } catch (IOException e) {
      Answers.reply(client, proxy, 502, "the upstream closed the connection");
      return;
    }
    Thread body = null;
    if (request.chunked() || request.length() > 0) {
      body = Thread.ofVirtual().name("egress-body").start(this::forwardBody);
    }
    try {
      relayResponse();
    } finally {
      Splice.closeQuietly(upstream);
      if (body != null) {
        body.interrupt();
      }
    }
  }

  private void relayResponse() throws IOException {
    ChannelReader fromUpstream = new ChannelReader(upstream, EgressProxy.BUFFER_BYTES);
    while (true) {
      Optional<HttpHead> head = responseHead(fromUpstream);
      if (head.isEmpty()) {
        return;
      }
      String status = head.get().startLine();
      boolean interim = status.charAt(9) == '1' && !status.startsWith("101", 9);
      List<HttpHead.Header> headers = new ArrayList<>(head.get().endToEnd(Set.of()));
      if (!interim) {
        headers.add(new HttpHead.Header("Connection", "close"));
      }
      Splice.writeFully(client, ByteBuffer.wrap(HttpHead.render(status, headers)));
      if (!interim) {
        fromUpstream.copyToEnd(client);
        return;
      }
    }
  }

  /** The next response head; empty once the client has been told why there is none. */
  private Optional<HttpHead> responseHead(ChannelReader fromUpstream) throws IOException {
    String text;
    try {
      text = fromUpstream.readHead(MAX_RESPONSE_HEAD_BYTES);
    } catch (IOException e) {
      text = null;
    }
    try {
      if (text != null) {
        HttpHead head = HttpHead.parse(text);
        if (STATUS.matcher(head.startLine()).matches()) {
          return Optional.of(head);
        }
      }
    } catch (HttpHead.Malformed e) {
      // Answered below like any other response this proxy cannot pass on.
    }
    if (badBody.get()) {
      Answers.reply(client, proxy, 400, "the request body's chunked framing is malformed");
    } else {
      // Not a lingering reply: the body thread may still be reading the client.
      Answers.send(client, 502, "the upstream sent no valid HTTP response");
    }
    return Optional.empty();
  }

  /**
   * Passes the request body on by its framing and stops there, so bytes after it (a pipelined
   * second request) never reach the upstream. A body that breaks its framing closes the upstream.
   */
  private void forwardBody() {
    try {
      if (request.chunked()) {
        forwardChunks();
      } else {
        fromClient.copy(upstream, request.length());
      }
    } catch (HttpHead.Malformed | EOFException e) {
      badBody.set(e instanceof HttpHead.Malformed);
      Splice.closeQuietly(upstream);
    } catch (IOException e) {
      // The upstream stopped reading (it may have answered early); the response says the rest.
    }
  }

  private void forwardChunks() throws IOException, HttpHead.Malformed {
    while (true) {
      String sizeLine = fromClient.readLine(MAX_CHUNK_LINE);
      int semicolon = sizeLine.indexOf(';');
      String size = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
      if (!CHUNK_SIZE.matcher(size).matches()) {
        throw new HttpHead.Malformed("bad chunk size");
      }
      long bytes = Long.parseLong(size, 16);
      write(size + "\r\n");
      if (bytes == 0) {
        String trailer;
        while (!(trailer = fromClient.readLine(MAX_CHUNK_LINE)).isEmpty()) {
          HttpHead.parse("X\r\n" + trailer); // checks it is one 'name: value' line
          write(trailer + "\r\n");
        }
        write("\r\n");
        return;
      }
      fromClient.copy(upstream, bytes);
      if (!fromClient.readLine(MAX_CHUNK_LINE).isEmpty()) {
        throw new HttpHead.Malformed("a chunk is longer than its size");
      }
      write("\r\n");
    }
  }

  private void write(String text) throws IOException {
    Splice.writeFully(upstream, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
  }
}
