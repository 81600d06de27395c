package dev.dockhand.bench.egress;

import dev.dockhand.egress.Allowlist;
import dev.dockhand.egress.EgressProxy;
import dev.dockhand.sandbox.TestTrees;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the egress proxy costs a container: a loopback server serves a large file and a one-byte
 * one; curl on the host fetches them directly (the baseline), and curl in a {@code --network none}
 * worker container fetches them through the proxy's socket, bind-mounted at {@code
 * /run/dockhand/egress.sock} and relayed to 127.0.0.1:3128 by socat, once as a plain forward
 * ({@code http_proxy}) and once through a CONNECT tunnel ({@code curl -p}). Rounds interleave the
 * two. Prints median throughput and time to first byte, the throughput ratio (goal >= 0.8) and the
 * added time to first byte (goal <= 5 ms).
 *
 * <p>usage: EgressBench [megabytes (default 200)] [rounds (default 3)]
 */
public final class EgressBench {
  private static final String FORMAT =
      "%{time_starttransfer} %{time_total} %{size_download} %{http_code}\\n";

  /** The relay's socat options: the sandbox's own by default (socat's default block is 8 KiB). */
  private static final String SOCAT_OPTIONS =
      System.getenv().getOrDefault("EGRESS_BENCH_SOCAT", "-b 262144");

  /** EGRESS_BENCH_HOST_ONLY=1 measures the proxy alone, without curl, socat or containers. */
  private static final boolean HOST_ONLY = "1".equals(System.getenv("EGRESS_BENCH_HOST_ONLY"));

  private static final int BIG_PER_ROUND = 2;
  private static final int SMALL_PER_ROUND = 7;

  public static void main(String[] args) throws Exception {
    long bigBytes = (args.length > 0 ? Long.parseLong(args[0]) : 200) * 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String image = System.getenv().getOrDefault("DOCKHAND_WORKER_IMAGE", "dockhand-worker:latest");
    Path dir = Files.createTempDirectory("dockhand-egress-bench-");
    Path socket = dir.resolve("egress.sock");
    Map<String, List<double[]>> samples = new TreeMap<>();
    try (FileServer server = new FileServer(bigBytes);
        EgressProxy proxy =
            EgressProxy.start(
                socket,
                Allowlist.parse("127.0.0.1:" + server.port(), "bench"),
                (host, port, count) ->
                    System.out.printf("refused %s:%d (%d)%n", host, port, count))) {
      String base = "http://127.0.0.1:" + server.port();
      // Warm-up: JIT the proxy and the server, and pull the image's pages into the cache.
      if (HOST_ONLY) {
        for (int i = 0; i < 2 * rounds; i++) {
          add(samples, "java-direct-big", javaFetch(null, server.port(), bigBytes));
          add(samples, "java-socket-big", javaFetch(socket, server.port(), bigBytes));
        }
        for (int i = 0; i < 10 * rounds; i++) {
          add(samples, "java-direct-small", javaFetch(null, server.port(), 1));
          add(samples, "java-socket-small", javaFetch(socket, server.port(), 1));
        }
        hostReport(samples);
        return;
      }
      direct(base + "/big");
      inContainer(image, socket, base, 1, 1);
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < BIG_PER_ROUND; i++) {
          add(samples, "direct-big", direct(base + "/big"));
          add(samples, "java-direct-big", javaFetch(null, server.port(), bigBytes));
          add(samples, "java-socket-big", javaFetch(socket, server.port(), bigBytes));
        }
        for (int i = 0; i < SMALL_PER_ROUND; i++) {
          add(samples, "direct-small", direct(base + "/small"));
        }
        for (String line : inContainer(image, socket, base, BIG_PER_ROUND, SMALL_PER_ROUND)) {
          String[] parts = line.split(" ", 2);
          add(samples, parts[0], parse(parts[1]));
        }
      }
    } finally {
      TestTrees.delete(dir);
    }
    report(samples, bigBytes, rounds);
  }

  private static void report(Map<String, List<double[]>> samples, long bigBytes, int rounds) {
    double direct = medianOf(samples, "direct-big", s -> s[2] / s[1] / 1e6);
    double directTtfb = medianOf(samples, "direct-small", s -> s[0] * 1000);
    System.out.printf(
        "egress bench: %d MB download and 1-byte TTFB over loopback, %d rounds%n",
        bigBytes / 1_000_000, rounds);
    System.out.printf(
        "relay in the container: socat %sTCP-LISTEN:3128,... UNIX-CONNECT:...%n",
        SOCAT_OPTIONS.isEmpty() ? "" : SOCAT_OPTIONS + " ");
    System.out.printf(
        "direct (host curl):            %8.1f MB/s   TTFB median %6.2f ms%n", direct, directTtfb);
    hostReport(samples);
    boolean pass = true;
    for (String way : List.of("fwd", "tun")) {
      double speed = medianOf(samples, way + "-big", s -> s[2] / s[1] / 1e6);
      double ttfb = medianOf(samples, way + "-small", s -> s[0] * 1000);
      String name = way.equals("fwd") ? "plain forward" : "CONNECT tunnel";
      System.out.printf(
          "via proxy, %-19s %8.1f MB/s   TTFB median %6.2f ms%n", name + ":", speed, ttfb);
      double ratio = speed / direct;
      double added = ttfb - directTtfb;
      System.out.printf(
          "  throughput ratio %s/direct: %.2f (goal >= 0.80) %s%n",
          way, ratio, ratio >= 0.8 ? "PASS" : "FAIL");
      System.out.printf(
          "  added TTFB %s: %.2f ms (goal <= 5 ms) %s%n", way, added, added <= 5 ? "PASS" : "FAIL");
      pass &= ratio >= 0.8 && added <= 5;
    }
    System.out.println(pass ? "PASS" : "FAIL");
  }

  /**
   * A Java client on the host fetching {@code /big} straight over TCP ({@code socket} null) or
   * through a CONNECT tunnel over the proxy's Unix socket: the proxy's own cost, without socat or
   * the container; {ttfb s, total s, bytes}.
   */
  private static double[] javaFetch(Path socket, int port, long bigBytes) throws IOException {
    long started = System.nanoTime();
    try (SocketChannel channel =
        socket == null
            ? SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            : SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
      if (socket != null) {
        FileServer.write(channel, ascii("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\n\r\n"));
      }
      String path = bigBytes > 1 ? "/big" : "/small";
      FileServer.write(channel, ascii("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
      ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
      long total = 0;
      long firstByte = 0;
      int read;
      while ((read = channel.read(buffer)) >= 0) {
        firstByte = firstByte == 0 ? System.nanoTime() : firstByte;
        total += read;
        buffer.clear();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      if (total < bigBytes) {
        throw new IllegalStateException("short read: " + total);
      }
      return new double[] {(firstByte - started) / 1e9, seconds, total};
    }
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void hostReport(Map<String, List<double[]>> samples) {
    double javaDirect = medianOf(samples, "java-direct-big", s -> s[2] / s[1] / 1e6);
    double javaSocket = medianOf(samples, "java-socket-big", s -> s[2] / s[1] / 1e6);
    System.out.printf(
        "proxy alone (a Java client on the host, TCP direct %.1f MB/s, CONNECT over the Unix"
            + " socket %.1f MB/s): ratio %.2f%n",
        javaDirect, javaSocket, javaSocket / javaDirect);
    if (samples.containsKey("java-direct-small")) {
      double direct = medianOf(samples, "java-direct-small", s -> s[0] * 1000);
      double proxied = medianOf(samples, "java-socket-small", s -> s[0] * 1000);
      System.out.printf(
          "proxy alone, time to first byte: direct %.2f ms, through the proxy %.2f ms (+%.2f ms)%n",
          direct, proxied, proxied - direct);
    }
  }

  /** One curl on the host, straight to the server; {ttfb s, total s, bytes}. */
  private static double[] direct(String url) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder("curl", "-s", "--noproxy", "*", "-o", "/dev/null", "-w", FORMAT, url);
    builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
    return parse(run(builder).strip());
  }

  /** One worker container doing all the proxied fetches of a round; lines "label sample". */
  private static List<String> inContainer(
      String image, Path socket, String base, int big, int small)
      throws IOException, InterruptedException {
    String curl = "curl -s -o /dev/null -w '" + FORMAT + "'";
    String script =
        "socat "
            + SOCAT_OPTIONS
            + " TCP-LISTEN:3128,bind=127.0.0.1,reuseaddr,fork"
            + " UNIX-CONNECT:/run/dockhand/egress.sock &\n"
            + "for i in $(seq 100); do (: > /dev/tcp/127.0.0.1/3128) 2>/dev/null && break;"
            + " sleep 0.05; done\n"
            + loop(big, "fwd-big", curl + " " + base + "/big")
            + loop(big, "tun-big", curl + " -p " + base + "/big")
            + loop(small, "fwd-small", curl + " " + base + "/small")
            + loop(small, "tun-small", curl + " -p " + base + "/small");
    ProcessBuilder builder =
        new ProcessBuilder(
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            "--user",
            "1000:1000",
            "-v",
            socket + ":/run/dockhand/egress.sock",
            "-e",
            "http_proxy=http://127.0.0.1:3128",
            "-e",
            "https_proxy=http://127.0.0.1:3128",
            image,
            "bash",
            "-c",
            script);
    List<String> lines = new ArrayList<>();
    for (String line : run(builder).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  private static String loop(int times, String label, String command) {
    return "for i in $(seq " + times + "); do printf '" + label + " '; " + command + "; done\n";
  }

  private static String run(ProcessBuilder builder) throws IOException, InterruptedException {
    Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(builder.command().getFirst() + " failed: " + out);
    }
    return out;
  }

  private static double[] parse(String line) {
    String[] parts = line.strip().split(" ");
    if (parts.length != 4 || !parts[3].equals("200")) {
      throw new IllegalStateException("a fetch failed: " + line);
    }
    return new double[] {
      Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])
    };
  }

  private static void add(Map<String, List<double[]>> samples, String key, double[] sample) {
    samples.computeIfAbsent(key, k -> new ArrayList<>()).add(sample);
  }

  private static double medianOf(
      Map<String, List<double[]>> samples,
      String key,
      java.util.function.ToDoubleFunction<double[]> value) {
    List<Double> values = new ArrayList<>();
    for (double[] sample : samples.getOrDefault(key, List.of())) {
      values.add(value.applyAsDouble(sample));
    }
    if (values.isEmpty()) {
      throw new IllegalStateException("no samples for " + key);
    }
    Collections.sort(values);
    int middle = values.size() / 2;
    return values.size() % 2 == 1
        ? values.get(middle)
        : (values.get(middle - 1) + values.get(middle)) / 2;
  }

  /**
   * A minimal HTTP server on 127.0.0.1: {@code /big} is the large body, anything else one byte. One
   * virtual thread per connection, one response per connection. Thread-safe.
   */
  private static final class FileServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final long bigBytes;
    private final ByteBuffer block;

    FileServer(long bigBytes) throws IOException {
      this.bigBytes = bigBytes;
      this.block = ByteBuffer.allocateDirect(1 << 20);
      while (block.hasRemaining()) {
        block.put((byte) (block.position() % 251));
      }
      block.flip();
      server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
      return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    private void acceptLoop() {
      while (server.isOpen()) {
        try {
          SocketChannel client = server.accept();
          Thread.ofVirtual().start(() -> serve(client));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(SocketChannel client) {
      try (client) {
        client.socket().setTcpNoDelay(true);
        String head = readHead(client);
        long length = head.startsWith("GET /big ") ? bigBytes : 1;
        String answer =
            "HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n";
        write(client, ByteBuffer.wrap(answer.getBytes(StandardCharsets.ISO_8859_1)));
        long left = length;
        while (left > 0) {
          ByteBuffer chunk = block.duplicate();
          chunk.limit((int) Math.min(chunk.capacity(), left));
          left -= chunk.remaining();
          write(client, chunk);
        }
        client.shutdownOutput();
        while (client.read(ByteBuffer.allocate(256)) >= 0) {
          // Let the client close first, so its last bytes are never reset.
        }
      } catch (IOException e) {
        // The client went away.
      }
    }

    private static String readHead(SocketChannel client) throws IOException {
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (buffer.hasRemaining()) {
        if (client.read(buffer) < 0) {
          break;
        }
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
        if (text.contains("\r\n\r\n")) {
          return text;
        }
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
    }

    private static void write(SocketChannel client, ByteBuffer bytes) throws IOException {
      while (bytes.hasRemaining()) {
        client.write(bytes);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private EgressBench() {}
}
