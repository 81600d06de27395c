package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole way out as a task container sees it: no network but loopback, the proxy's socket
 * mounted at /run/dockhand/egress.sock, socat relaying 127.0.0.1:3128 to it, curl run as the
 * non-root sandbox user.
 */
@Tag("docker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetworklessContainerTest {
  @TempDir Path dir;

  @Test
  void aContainerWithoutNetworkReachesAnAllowedServerOnlyThroughTheProxy() throws Exception {
    List<String> refused = new CopyOnWriteArrayList<>();
    try (LoopbackHttp upstream = new LoopbackHttp();
        EgressProxy proxy =
            EgressProxy.builder(
                    dir.resolve("egress.sock"),
                    Allowlist.parse("127.0.0.1:" + upstream.port(), "TEST"))
                .listener((host, port, count) -> refused.add(host + ":" + port))
                .start()) {
      String url = "http://127.0.0.1:" + upstream.port() + "/echo";
      String script =
          "socat TCP-LISTEN:3128,bind=127.0.0.1,reuseaddr,fork"
              + " UNIX-CONNECT:/run/dockhand/egress.sock &\n"
              + "for i in $(seq 100); do (: > /dev/tcp/127.0.0.1/3128) 2>/dev/null && break;"
              + " sleep 0.05; done\n"
              + "echo \"allowed=$(curl -s -o /dev/null -w '%{http_code}' "
              + url
              + ")\"\n"
              + "echo \"refused=$(curl -s -o /dev/null -w '%{http_code}' http://example.com/)\"\n"
              + "echo \"tunnel=$(curl -s -p -o /dev/null -w '%{http_code}' "
              + url
              + ")\"\n"
              + "echo \"direct=$(curl -s --noproxy '*' -m 5 -o /dev/null -w '%{http_code}' "
              + url
              + ")\"\n";
      Process process =
          new ProcessBuilder(
                  "docker",
                  "run",
                  "--rm",
                  "--network",
                  "none",
                  "--user",
                  "1000:1000",
                  "-v",
                  proxy.socketPath() + ":/run/dockhand/egress.sock",
                  "-e",
                  "http_proxy=http://127.0.0.1:3128",
                  "dockhand-worker:latest",
                  "bash",
                  "-c",
                  script)
              .redirectErrorStream(true)
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();

      assertThat(out)
          .contains("allowed=200")
          .contains("refused=403")
          .contains("tunnel=200")
          .contains("direct=000");
      assertThat(refused).containsExactly("example.com:80");
    } catch (IOException e) {
      throw new AssertionError("docker or the worker image is missing", e);
    }
  }
}
