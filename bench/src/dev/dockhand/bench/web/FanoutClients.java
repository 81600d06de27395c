package dev.dockhand.bench.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Many JDK WebSocket clients that record, for every message carrying {@code "t":<nanoTime>},
 * how long it took to arrive. The same clients measure both servers.
 */
final class FanoutClients implements AutoCloseable {
  private static final int HTTP_CLIENTS = 4;

  private final List<HttpClient> clients = new ArrayList<>();
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<WebSocket> sockets = new ArrayList<>();
  private final List<Recorder> recorders = new ArrayList<>();
  private final AtomicLong lastArrival = new AtomicLong();
  private volatile CountDownLatch marker = new CountDownLatch(0);
  private volatile String markerText = "\u0000";

  FanoutClients() {
    for (int i = 0; i < HTTP_CLIENTS; i++) {
      clients.add(HttpClient.newBuilder().executor(executor).build());
    }
  }

  /** Opens {@code count} sockets; {@code setup} runs on each once open (headers go in {@code builder}). */
  void connect(
      URI uri, int count, int capacity, Consumer<WebSocket.Builder> builder, Consumer<WebSocket> setup) {
    List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Recorder recorder = new Recorder(capacity);
      recorders.add(recorder);
      WebSocket.Builder socket = clients.get(i % HTTP_CLIENTS).newWebSocketBuilder();
      builder.accept(socket);
      pending.add(socket.buildAsync(uri, recorder));
      if (pending.size() == 100) {
        pending.forEach(future -> sockets.add(future.join()));
        pending.clear();
      }
    }
    pending.forEach(future -> sockets.add(future.join()));
    sockets.forEach(setup);
  }

  /** Arms a wait for every socket to receive a message containing {@code text}. */
  void expectMarker(String text) {
    markerText = text;
    marker = new CountDownLatch(sockets.size());
  }

  boolean awaitMarker(long seconds) throws InterruptedException {
    return marker.await(seconds, TimeUnit.SECONDS);
  }

  /** All latencies recorded, in microseconds, sorted. */
  long[] latenciesMicros() {
    int[] counts = recorders.stream().mapToInt(recorder -> recorder.count).toArray();
    long[] all = new long[Arrays.stream(counts).sum()];
    int at = 0;
    for (int i = 0; i < counts.length; i++) {
      System.arraycopy(recorders.get(i).micros, 0, all, at, counts[i]);
      at += counts[i];
    }
    Arrays.sort(all);
    return all;
  }

  long delivered() {
    return recorders.stream().mapToLong(recorder -> recorder.count).sum();
  }

  long lastArrivalNanos() {
    return lastArrival.get();
  }

  void reset() {
    recorders.forEach(recorder -> recorder.count = 0);
  }

  @Override
  public void close() {
    sockets.forEach(WebSocket::abort);
    executor.shutdownNow();
  }

  private final class Recorder implements WebSocket.Listener {
    private final long[] micros;
    private volatile int count;
    private final StringBuilder partial = new StringBuilder();

    Recorder(int capacity) {
      this.micros = new long[capacity];
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long now = System.nanoTime();
      CharSequence text = data;
      if (!last || partial.length() > 0) {
        partial.append(data);
        if (!last) {
          return null;
        }
        text = partial.toString();
        partial.setLength(0);
      }
      String message = text.toString();
      int t = message.indexOf("\"t\":");
      if (t >= 0 && count < micros.length) {
        int end = t + 4;
        while (end < message.length() && Character.isDigit(message.charAt(end))) {
          end++;
        }
        micros[count] = (now - Long.parseLong(message.substring(t + 4, end))) / 1000;
        count++;
        lastArrival.accumulateAndGet(now, Math::max);
      } else if (message.contains(markerText)) {
        marker.countDown();
      }
      return null;
    }
  }
}
