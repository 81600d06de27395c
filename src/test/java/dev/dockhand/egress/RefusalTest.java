package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.queue.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RefusalTest {
  record Report(String host, int port, long count) {}

  /** Names on the allowlist whose DNS answer points inside: the proxy must refuse them all. */
  private static final Map<String, String> INSIDE =
      Map.of(
          "loopback.example.com", "127.0.0.1",
          "private10.example.com", "10.0.0.5",
          "docker.example.com", "172.17.0.1",
          "home.example.com", "192.168.1.1",
          "metadata.example.com", "169.254.169.254",
          "v6loopback.example.com", "::1",
          "v6metadata.example.com", "fd00:ec2::254",
          "mapped.example.com", "::ffff:127.0.0.1");

  @TempDir Path dir;
  private final List<Report> reports = new CopyOnWriteArrayList<>();
  private final RecordingConnector connector = new RecordingConnector();
  private final AtomicInteger lookups = new AtomicInteger();
  private final ManualClock clock = new ManualClock();
  private EgressProxy proxy;
  private Path socket;

  @BeforeEach
  void start() throws IOException {
    socket = dir.resolve("egress.sock");
    Resolver resolver =
        host -> {
          lookups.incrementAndGet();
          String address = INSIDE.get(host);
          if (address == null) {
            throw new java.net.UnknownHostException(host);
          }
          // A public address first does not help: one bad address refuses the name.
          return List.of(
              IpLiteral.parse("203.0.113.9").orElseThrow(), IpLiteral.parse(address).orElseThrow());
        };
    proxy =
        EgressProxy.builder(socket, Allowlist.parse("*.example.com", "TEST"))
            .resolver(resolver)
            .connector(connector)
            .listener((host, port, count) -> reports.add(new Report(host, port, count)))
            .clock(clock)
            .start();
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  @Test
  void aNameNotOnTheListGets403NamingItAndHowToAllowItAndIsReported() throws IOException {
    ProxyClient.Response connect =
        ProxyClient.exchange(socket, "CONNECT evil.example.net:443 HTTP/1.1\r\n\r\n");
    ProxyClient.Response plain =
        ProxyClient.exchange(
            socket, "GET http://other.example.org/x HTTP/1.1\r\nHost: other.example.org\r\n\r\n");

    assertThat(connect.status()).isEqualTo(403);
    assertThat(connect.head()).contains("Content-Type: text/plain");
    assertThat(connect.text())
        .contains("evil.example.net:443")
        .contains("DOCKHAND_EGRESS_ALLOW")
        .contains("egressAllow")
        .contains("DOCKHAND_EGRESS_USER_ADD");
    assertThat(plain.status()).isEqualTo(403);
    assertThat(plain.text()).contains("other.example.org:80");
    assertThat(reports)
        .containsExactly(
            new Report("evil.example.net", 443, 1), new Report("other.example.org", 80, 1));
    assertThat(lookups).hasValue(0);
    assertThat(connector.attempts()).isEmpty();
  }

  @Test
  void theDomainItselfIsNotCoveredByItsWildcard() throws IOException {
    assertThat(ProxyClient.exchange(socket, "CONNECT example.com:443 HTTP/1.1\r\n\r\n").status())
        .isEqualTo(403);
    assertThat(ProxyClient.exchange(socket, "CONNECT badexample.com:443 HTTP/1.1\r\n\r\n").status())
        .isEqualTo(403);
  }

  @Test
  void listedNamesThatResolveInsideAreRefusedBeforeAnyConnection() throws IOException {
    for (String host : INSIDE.keySet()) {
      ProxyClient.Response connect =
          ProxyClient.exchange(socket, "CONNECT " + host + ":443 HTTP/1.1\r\n\r\n");
      ProxyClient.Response plain =
          ProxyClient.exchange(socket, "GET http://" + host + "/ HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(connect.status()).as(host).isEqualTo(403);
      assertThat(connect.text()).as(host).contains(host + ":443").contains("non-public");
      assertThat(connect.text()).as(host).doesNotContain(INSIDE.get(host));
      assertThat(plain.status()).as(host).isEqualTo(403);
    }
    assertThat(connector.attempts()).isEmpty();
    assertThat(reports).hasSize(2 * INSIDE.size());
  }

  @Test
  void addressLiteralsNotOnTheListAreRefusedWithoutALookup() throws IOException {
    for (String target :
        List.of(
            "127.0.0.1:8080",
            "169.254.169.254:80",
            "[::1]:443",
            "[fd00:ec2::254]:80",
            "10.0.0.5:443")) {
      assertThat(ProxyClient.exchange(socket, "CONNECT " + target + " HTTP/1.1\r\n\r\n").status())
          .as(target)
          .isEqualTo(403);
    }
    assertThat(lookups).hasValue(0);
    assertThat(connector.attempts()).isEmpty();
  }

  @Test
  void repeatedRefusalsAreReportedOnceAndTheirTotalWhenTheProxyCloses() throws IOException {
    for (int i = 0; i < 5; i++) {
      assertThat(ProxyClient.exchange(socket, "CONNECT evil.test:443 HTTP/1.1\r\n\r\n").status())
          .isEqualTo(403);
    }
    assertThat(reports).containsExactly(new Report("evil.test", 443, 1));

    proxy.close();

    assertThat(reports)
        .containsExactly(new Report("evil.test", 443, 1), new Report("evil.test", 443, 5));
  }

  @Test
  void aListedNameThatDoesNotResolveGets502() throws IOException {
    ProxyClient.Response response =
        ProxyClient.exchange(socket, "CONNECT nowhere.example.com:443 HTTP/1.1\r\n\r\n");

    assertThat(response.status()).isEqualTo(502);
    assertThat(response.text()).contains("nowhere.example.com");
    assertThat(reports).isEmpty();
  }
}
