package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectTunnelTest {
  @TempDir Path dir;
  private EchoServer echo;
  private EgressProxy proxy;
  private Path socket;

  @BeforeEach
  void start() throws IOException {
    echo = new EchoServer();
    socket = dir.resolve("egress.sock");
    proxy =
        EgressProxy.builder(socket, Allowlist.parse("127.0.0.1:" + echo.port(), "TEST"))
            .connector(new RecordingConnector())
            .start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void aTunnelToAnAllowedServerCarriesBytesBothWaysAndPassesOnTheHalfClose() throws IOException {
    byte[] payload = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    try (ProxyClient client = new ProxyClient(socket)) {
      client.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(client.readHead()).startsWith("HTTP/1.1 200 ");

      client.send("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(client.read(5), StandardCharsets.US_ASCII)).isEqualTo("hello");

      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      client.send(payload);
                      client.shutdownOutput();
                    } catch (IOException e) {
                      throw new AssertionError(e);
                    }
                  });
      byte[] back = client.readToEnd();
      writer.join();
      assertThat(back).isEqualTo(payload);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void bytesSentRightAfterTheConnectHeadAreNotLost() throws IOException {
    try (ProxyClient client = new ProxyClient(socket)) {
      client.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\nearly");
      client.shutdownOutput();

      ProxyClient.Response response = ProxyClient.parse(client.readToEnd());

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("early");
    }
  }

  @Test
  void closingTheProxyEndsLiveTunnelsAtBothEndsAndRemovesTheSocket() throws Exception {
    try (ProxyClient client = new ProxyClient(socket)) {
      client.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n");
      assertThat(client.readHead()).startsWith("HTTP/1.1 200 ");

      proxy.close();

      assertThat(client.readToEnd()).isEmpty();
      assertThatThrownBy(() -> client.send("more"))
          .as("the proxy closed its end, not only stopped sending")
          .isInstanceOf(IOException.class);
      assertThat(echo.connectionEnded(Duration.ofSeconds(10)))
          .as("the server behind the tunnel sees it closed")
          .isTrue();
      assertThat(socket).doesNotExist();
    }
  }
}
