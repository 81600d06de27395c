package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MalformedRequestTest {
  @TempDir Path dir;
  private LoopbackHttp upstream;
  private RecordingConnector connector;
  private EgressProxy proxy;
  private Path socket;
  private String base;

  @BeforeEach
  void start() throws IOException {
    upstream = new LoopbackHttp();
    connector = new RecordingConnector();
    socket = dir.resolve("egress.sock");
    base = "http://127.0.0.1:" + upstream.port();
    proxy =
        EgressProxy.builder(socket, Allowlist.parse("127.0.0.1:" + upstream.port(), "TEST"))
            .connector(connector)
            .headTimeout(Duration.ofMillis(300))
            .start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.close();
  }

  @Test
  void malformedRequestsGet400AndReachNoServer() throws IOException {
    List<String> requests =
        List.of(
            "hello\r\n\r\n",
            "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET https://127.0.0.1/ HTTP/1.1\r\n\r\n",
            "GET " + base + "/echo HTTP/2\r\n\r\n",
            "GET  " + base + "/echo HTTP/1.1\r\n\r\n",
            "GET " + base + "/echo HTTP/1.1\r\nno colon here\r\n\r\n",
            "GET " + base + "/echo HTTP/1.1\r\nHost: x\r\n folded: line\r\n\r\n",
            "GET " + base + "/echo HTTP/1.1\r\nX: a\u0000b\r\n\r\n",
            "GET http://user:pw@127.0.0.1:" + upstream.port() + "/ HTTP/1.1\r\n\r\n",
            "GET http://127.1:" + upstream.port() + "/ HTTP/1.1\r\n\r\n",
            "GET http://bad_host.example/ HTTP/1.1\r\n\r\n",
            "CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n",
            "CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n",
            "POST "
                + base
                + "/echo HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked"
                + "\r\n\r\n",
            "POST " + base + "/echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
            "POST " + base + "/echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST " + base + "/echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
    for (String request : requests) {
      ProxyClient.Response response = ProxyClient.exchange(socket, request);

      assertThat(response.status()).as(request).isEqualTo(400);
      assertThat(response.text()).as(request).doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertThat(connector.attempts()).isEmpty();
    assertThat(upstream.requests).hasValue(0);
  }

  @Test
  void anOversizedHeadGets400WithoutWaitingForItsEnd() throws IOException {
    try (ProxyClient client = new ProxyClient(socket)) {
      StringBuilder head = new StringBuilder("GET " + base + "/echo HTTP/1.1\r\n");
      for (int i = 0; i < 200; i++) {
        head.append("X-Filler-").append(i).append(": ").append("y".repeat(100)).append("\r\n");
      }
      client.send(head.toString());

      ProxyClient.Response response = ProxyClient.parse(client.readToEnd());

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.text()).contains("16 KiB");
    }
  }

  @Test
  void aClientThatSendsNothingGets408WhenItsTimeIsUp() throws IOException {
    try (ProxyClient client = new ProxyClient(socket)) {
      ProxyClient.Response response = ProxyClient.parse(client.readToEnd());

      assertThat(response.status()).isEqualTo(408);
    }
  }

  @Test
  void aClientThatStopsHalfwayThroughItsHeadGets408() throws IOException {
    try (ProxyClient client = new ProxyClient(socket)) {
      client.send("GET " + base + "/echo HTTP/1.1\r\nHost: x\r\n");

      assertThat(ProxyClient.parse(client.readToEnd()).status()).isEqualTo(408);
    }
  }

  @Test
  void aBrokenChunkedBodyGets400() throws IOException {
    ProxyClient.Response response =
        ProxyClient.exchange(
            socket,
            "POST " + base + "/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n");

    assertThat(response.status()).isEqualTo(400);
  }

  @Test
  void anAllowedButClosedPortGets502() throws IOException {
    int closed;
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    try (EgressProxy other =
        EgressProxy.builder(dir.resolve("other.sock"), Allowlist.parse("127.0.0.1:" + closed, "T"))
            .start()) {
      ProxyClient.Response response =
          ProxyClient.exchange(
              other.socketPath(), "CONNECT 127.0.0.1:" + closed + " HTTP/1.1\r\n\r\n");

      assertThat(response.status()).isEqualTo(502);
      assertThat(response.text()).contains("127.0.0.1:" + closed);
    }
  }
}
