package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxySocketTest {
  @TempDir Path dir;

  @Test
  void theSocketIsConnectableByEveryLocalUserAndGoneAfterClose() throws IOException {
    Path socket = dir.resolve("egress.sock");
    EgressProxy proxy = EgressProxy.start(socket, Allowlist.empty(), BlockedListener.NONE);

    assertThat(Files.getPosixFilePermissions(socket))
        .isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
    proxy.close();
    proxy.close();

    assertThat(socket).doesNotExist();
  }

  @Test
  void aStaleSocketIsReplacedButAnOrdinaryFileIsNot() throws IOException {
    Path socket = dir.resolve("egress.sock");
    EgressProxy.start(socket, Allowlist.empty(), BlockedListener.NONE).close();
    try (var stale =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      stale.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    try (EgressProxy proxy = EgressProxy.start(socket, Allowlist.empty(), BlockedListener.NONE)) {
      assertThat(ProxyClient.exchange(socket, "CONNECT a.example:443 HTTP/1.1\r\n\r\n").status())
          .isEqualTo(403);
    }

    Path file = dir.resolve("not-a-socket");
    Files.writeString(file, "keep me");
    assertThatThrownBy(() -> EgressProxy.start(file, Allowlist.empty(), BlockedListener.NONE))
        .isInstanceOf(IOException.class);
    assertThat(file).hasContent("keep me");
  }

  @Test
  void connectionsOverTheLimitGet503() throws IOException {
    Path socket = dir.resolve("egress.sock");
    List<ProxyClient> held = new ArrayList<>();
    try (EgressProxy proxy =
        EgressProxy.builder(socket, Allowlist.empty()).maxConnections(2).start()) {
      // Connections are accepted in the order they arrive, so these two take both slots before
      // the third is looked at; an unfinished head holds its slot.
      for (int i = 0; i < 2; i++) {
        ProxyClient client = new ProxyClient(socket);
        client.send("GET http://a.example/ HTTP/1.1\r\n");
        held.add(client);
      }

      assertThat(ProxyClient.exchange(socket, "CONNECT a.example:443 HTTP/1.1\r\n\r\n").status())
          .isEqualTo(503);
    } finally {
      for (ProxyClient client : held) {
        client.close();
      }
    }
  }
}
