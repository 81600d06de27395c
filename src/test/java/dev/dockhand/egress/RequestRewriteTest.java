package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestRewriteTest {
  @TempDir Path dir;

  private ProxyClient.Response through(ScriptedUpstream upstream, String request)
      throws IOException {
    try (EgressProxy proxy =
        EgressProxy.builder(
                dir.resolve("egress.sock"), Allowlist.parse("127.0.0.1:" + upstream.port(), "T"))
            .connector(new RecordingConnector())
            .start()) {
      return ProxyClient.exchange(proxy.socketPath(), request);
    }
  }

  @Test
  void theUpstreamReceivesTheRebuiltRequestWithTheChunkedBodyAndItsTrailers() throws Exception {
    try (ScriptedUpstream upstream =
        new ScriptedUpstream("0\r\nX-Sum: 1\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n")) {
      String url = "http://127.0.0.1:" + upstream.port();
      through(
          upstream,
          "POST "
              + url
              + "/up?x=1#frag HTTP/1.1\r\n"
              + "Host: elsewhere\r\n"
              + "Connection: X-Secret-Hop\r\n"
              + "X-Secret-Hop: 1\r\n"
              + "Proxy-Authorization: Basic c2VjcmV0\r\n"
              + "Transfer-Encoding: chunked\r\n"
              + "\r\n"
              + "3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n");

      assertThat(upstream.received.get(10, TimeUnit.SECONDS))
          .isEqualTo(
              "POST /up?x=1 HTTP/1.1\r\n"
                  + "Host: 127.0.0.1:"
                  + upstream.port()
                  + "\r\n"
                  + "Transfer-Encoding: chunked\r\n"
                  + "Connection: close\r\n"
                  + "\r\n"
                  + "3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n");
    }
  }

  @Test
  void anInterimAnswerPassesAndTheFinalOneSaysConnectionClose() throws Exception {
    try (ScriptedUpstream upstream =
        new ScriptedUpstream(
            "\r\n\r\nhi",
            "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nConnection: keep-alive\r\nKeep-Alive: timeout=9\r\n"
                + "Content-Length: 4\r\n\r\ndone")) {
      ProxyClient.Response response =
          through(
              upstream,
              "PUT http://127.0.0.1:"
                  + upstream.port()
                  + "/ HTTP/1.1\r\nExpect: 100-continue\r\n"
                  + "Content-Length: 2\r\n\r\nhi");

      assertThat(response.status()).isEqualTo(100);
      String rest = response.text();
      assertThat(rest).startsWith("HTTP/1.1 201 Created\r\n").endsWith("\r\n\r\ndone");
      assertThat(rest)
          .contains("Connection: close\r\n")
          .doesNotContain("keep-alive")
          .doesNotContain("Keep-Alive");
    }
  }

  @Test
  void anHttp10ClientIsForwardedAsHttp10() throws Exception {
    try (ScriptedUpstream upstream =
        new ScriptedUpstream("\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\nold")) {
      ProxyClient.Response response =
          through(upstream, "GET http://127.0.0.1:" + upstream.port() + "/ HTTP/1.0\r\n\r\n");

      assertThat(upstream.received.get(10, TimeUnit.SECONDS)).startsWith("GET / HTTP/1.0\r\n");
      assertThat(response.text()).isEqualTo("old");
    }
  }

  @Test
  void anUpstreamThatAnswersGarbageGets502() throws Exception {
    try (ScriptedUpstream upstream = new ScriptedUpstream("\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n")) {
      ProxyClient.Response response =
          through(upstream, "GET http://127.0.0.1:" + upstream.port() + "/ HTTP/1.1\r\n\r\n");

      assertThat(response.status()).isEqualTo(502);
    }
  }
}
