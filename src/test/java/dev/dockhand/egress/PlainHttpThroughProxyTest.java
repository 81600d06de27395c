package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlainHttpThroughProxyTest {
  @TempDir Path dir;
  private LoopbackHttp upstream;
  private RecordingConnector connector;
  private EgressProxy proxy;
  private Path socket;
  private String base;

  @BeforeEach
  void start() throws IOException {
    upstream = new LoopbackHttp();
    connector = new RecordingConnector(upstream.port());
    socket = dir.resolve("egress.sock");
    base = "http://127.0.0.1:" + upstream.port();
    Map<String, List<InetAddress>> names =
        Map.of("pkg.example.com", List.of(IpLiteral.parse("203.0.113.7").orElseThrow()));
    proxy =
        EgressProxy.builder(
                socket,
                Allowlist.parse("127.0.0.1:" + upstream.port() + ",pkg.example.com", "TEST"))
            .connector(connector)
            .resolver(host -> names.getOrDefault(host, List.of()))
            .start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.close();
  }

  @Test
  void anAllowedRequestReachesTheServerInOriginFormAndTheAnswerComesBackIntact()
      throws IOException {
    ProxyClient.Response response =
        ProxyClient.exchange(
            socket,
            "GET "
                + base
                + "/echo?q=1 HTTP/1.1\r\n"
                + "Host: somewhere-else.example\r\n"
                + "X-Test: kept\r\n"
                + "Proxy-Authorization: Basic c2VjcmV0\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Connection: keep-alive, Keep-Alive\r\n"
                + "\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.head())
        .containsIgnoringCase("X-Upstream: yes")
        .containsIgnoringCase("Connection: close");
    assertThat(response.head()).doesNotContainIgnoringCase("keep-alive");
    assertThat(response.text())
        .contains("method=GET\n")
        .contains("uri=/echo?q=1\n")
        .contains("host=127.0.0.1:" + upstream.port() + "\n")
        .contains("connection=close\n")
        .contains("proxy-authorization=none\n")
        .contains("keep-alive=none\n")
        .contains("x-test=kept\n");
  }

  @Test
  void aRequestBodyWithContentLengthPassesThrough() throws IOException {
    String body = "name=dockhand&" + "x".repeat(100_000);

    ProxyClient.Response response =
        ProxyClient.exchange(
            socket,
            "POST "
                + base
                + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).contains("method=POST\n").endsWith("body=" + body);
  }

  @Test
  void aChunkedRequestBodyPassesThrough() throws IOException {
    ProxyClient.Response response =
        ProxyClient.exchange(
            socket,
            "PUT "
                + base
                + "/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n"
                + "7;ext=1\r\n, world\r\n"
                + "0\r\n\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).endsWith("body=hello, world");
  }

  @Test
  void aLargeResponseComesBackWhole() throws IOException {
    ProxyClient.Response response =
        ProxyClient.exchange(socket, "GET " + base + "/big HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).hasSize(LoopbackHttp.BIG_BYTES);
    for (int i = 0; i < response.body().length; i += 4099) {
      assertThat(response.body()[i]).as("byte %d", i).isEqualTo(LoopbackHttp.patternByte(i));
    }
  }

  @Test
  void anAllowedNameIsConnectedToTheAddressItWasVettedAtWithItsOwnHost() throws IOException {
    ProxyClient.Response response =
        ProxyClient.exchange(
            socket, "GET http://pkg.example.com/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).contains("host=pkg.example.com\n");
    assertThat(connector.attempts())
        .extracting(address -> address.getAddress().getHostAddress() + ":" + address.getPort())
        .containsExactly("203.0.113.7:80");
  }

  @Test
  void bytesAfterTheFirstRequestNeverReachTheServer() throws IOException {
    ProxyClient.Response response =
        ProxyClient.exchange(
            socket,
            "POST "
                + base
                + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
                + "GET "
                + base
                + "/echo HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(response.text()).endsWith("body=ok");
    assertThat(upstream.requests).hasValue(1);
  }
}
