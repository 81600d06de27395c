package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.dockhand.egress.Allowlist;
import dev.dockhand.egress.Connector;
import dev.dockhand.egress.EgressProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code allowlist} network in real containers: no interface but loopback, and the egress
 * proxy, reached over its mounted Unix socket, as the only way out. Names that the proxy would
 * resolve to private or link-local addresses resolve through the test's resolver seam, so no packet
 * is ever sent to such an address; the recording connector shows none is even attempted.
 */
@Tag("docker")
class SandboxNetworkTest {
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static final Map<String, String> PRIVATE_NAMES =
      Map.of(
          "internal.example", "10.1.2.3",
          "db.private.example", "192.168.1.5",
          "bridge.private.example", "172.17.0.1",
          "metadata.private.example", "169.254.169.254",
          "loop.private.example", "127.0.0.1");

  @TempDir static Path temp;
  private static HttpServer registry;
  private static DockerSandbox sandbox;
  private static EgressProxy proxy;
  private static final List<String> resolved = new CopyOnWriteArrayList<>();
  private static final List<InetSocketAddress> connected = new CopyOnWriteArrayList<>();
  private static final List<String> blocked = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    registry = SandboxFixture.registry();
    Allowlist allowlist =
        Allowlist.parse(
            "127.0.0.1:" + port() + ",internal.example,*.private.example", "DOCKHAND_EGRESS_ALLOW");
    Connector plain = Connector.plain(Duration.ofSeconds(5));
    proxy =
        EgressProxy.builder(temp.resolve("egress.sock"), allowlist)
            .resolver(
                host -> {
                  resolved.add(host);
                  String address = PRIVATE_NAMES.get(host);
                  if (address == null) {
                    throw new UnknownHostException(host);
                  }
                  return List.of(InetAddress.getByName(address));
                })
            .connector(
                address -> {
                  connected.add(address);
                  return plain.connect(address);
                })
            .listener((host, port, count) -> blocked.add(host + ":" + port))
            .start();
    sandbox = new DockerSandbox(SandboxFixture.settings(Map.of()), SandboxFixture.uniqueNode());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    sandbox.close();
    registry.stop(0);
  }

  private static int port() {
    return registry.getAddress().getPort();
  }

  private static SandboxContainer container(String name) throws IOException {
    Path workspace = Files.createTempDirectory(temp, name);
    return sandbox.start(
        name + "-" + System.nanoTime(),
        TaskFiles.workspaceOnly(workspace).withEgressSocket(proxy.socketPath()));
  }

  @Test
  void anAllowedRegistryIsReachedThroughTheProxyOverPlainHttpAndConnect() throws IOException {
    try (SandboxContainer container = container("allowed")) {
      String url = "http://127.0.0.1:" + port() + "/pkg";
      // --noproxy '' lifts NO_PROXY, which keeps the container's own loopback direct.
      ExecResult plain = container.exec(bash(SHORT, "curl -sS --noproxy '' " + url));
      ExecResult tunnel = container.exec(bash(SHORT, "curl -sS --noproxy '' -p " + url));

      ExecResult env = container.exec(bash(SHORT, "echo $https_proxy; cat ~/.m2/settings.xml"));

      assertThat(env.output()).startsWith("http://127.0.0.1:3128\n").contains("<port>3128</port>");
      assertThat(plain.output()).as(plain.output()).isEqualTo("registry says hi");
      assertThat(tunnel.output()).as(tunnel.output()).isEqualTo("registry says hi");
    }
  }

  @Test
  void aHostNotOnTheListIsRefusedWithA403NamingItAndIsRecordedWithoutBeingResolved()
      throws IOException {
    try (SandboxContainer container = container("refused")) {
      ExecResult http = container.exec(bash(SHORT, "curl -s -i http://not-listed.example/"));
      ExecResult https = container.exec(bash(SHORT, "curl -sS https://not-listed.example/ 2>&1"));

      assertThat(http.output()).startsWith("HTTP/1.1 403").contains("not-listed.example:80");
      assertThat(https.exitCode()).isNotZero();
      assertThat(https.output()).contains("403");
      assertThat(blocked).contains("not-listed.example:80", "not-listed.example:443");
      assertThat(resolved).doesNotContain("not-listed.example");
    }
  }

  @Test
  void namesOnTheListThatResolveToPrivateOrLinkLocalAddressesAreRefusedBeforeAnyConnection()
      throws IOException {
    try (SandboxContainer container = container("private")) {
      for (String host : PRIVATE_NAMES.keySet()) {
        ExecResult result =
            container.exec(
                bash(SHORT, "curl -s -o /dev/null -w '%{http_code}' http://" + host + "/"));
        assertThat(result.output()).as(host).isEqualTo("403");
      }
      assertThat(resolved).containsAll(PRIVATE_NAMES.keySet());
      assertThat(connected).allSatisfy(address -> assertThat(address.getPort()).isEqualTo(port()));
    }
  }

  @Test
  void aConnectionThatIgnoresTheProxyReachesNothingOnlyLoopbackExists() throws IOException {
    try (SandboxContainer container = container("direct")) {
      ExecResult direct =
          container.exec(
              bash(SHORT, "curl -sS --noproxy '*' -m 5 http://127.0.0.1:" + port() + "/pkg"));
      ExecResult interfaces =
          container.exec(
              bash(
                  SHORT,
                  "python3 -c 'import socket; print(sorted(n for _, n in socket.if_nameindex()))'"));

      assertThat(direct.exitCode()).as(direct.output()).isNotZero();
      assertThat(direct.output()).doesNotContain("registry says hi");
      assertThat(interfaces.output().strip()).isEqualTo("['lo']");
    }
  }

  @Test
  void twoTasksContainersCannotReachEachOther() throws IOException {
    try (SandboxContainer server = container("server");
        SandboxContainer client = container("client")) {
      ExecResult listening =
          server.exec(
              bash(
                  SHORT,
                  "echo secret > /tmp/page; cd /tmp; nohup python3 -m http.server 8000"
                      + " --bind 127.0.0.1 >/dev/null 2>&1 & for i in $(seq 100); do"
                      + " curl -s --noproxy '*' http://127.0.0.1:8000/page && exit 0; sleep 0.1;"
                      + " done; exit 1"));
      ExecResult direct =
          client.exec(bash(SHORT, "curl -sS --noproxy '*' -m 5 http://127.0.0.1:8000/page"));
      ExecResult viaProxy =
          client.exec(
              bash(
                  SHORT,
                  "curl -s --noproxy '' -o /dev/null -w '%{http_code}'"
                      + " http://127.0.0.1:8000/page"));

      assertThat(listening.output()).as(listening.output()).contains("secret");
      assertThat(direct.exitCode()).isNotZero();
      assertThat(direct.output()).doesNotContain("secret");
      assertThat(viaProxy.output()).isEqualTo("403");
    }
  }
}
