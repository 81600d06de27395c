package dev.dockhand.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import dev.dockhand.egress.Resolver;
import dev.dockhand.testkit.WebPushStandIn;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A push service's name is resolved once, through the resolver seam, and a private, loopback or
 * link-local answer refuses the send before any connection; the connection goes to the vetted
 * address, never to a second lookup of the name.
 */
class VettedResolverTest {
  private static InetAddress address(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  private static Resolver answering(Map<String, List<InetAddress>> answers, List<String> asked) {
    return host -> {
      asked.add(host);
      List<InetAddress> found = answers.get(host);
      if (found == null) {
        throw new UnknownHostException(host);
      }
      return found;
    };
  }

  @Test
  void namesThatLeadIntoTheHostOrTheLocalNetworksAreRefused() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    Resolver resolver =
        answering(
            Map.of(
                "push.example.com", List.of(address("142.250.74.10")),
                "metadata.example.com", List.of(address("169.254.169.254")),
                "mixed.example.com", List.of(address("142.250.74.10"), address("10.0.0.5")),
                "home.example.com", List.of(address("127.0.0.1")),
                "v6.example.com", List.of(address("fe80::1")),
                "mapped.example.com", List.of(address("::ffff:192.168.0.1"))),
            asked);
    VettedResolver vetted = new VettedResolver(resolver, false, Runnable::run);

    assertThat(vetted.vet("push.example.com")).containsExactly(address("142.250.74.10"));
    for (String refused :
        List.of(
            "metadata.example.com",
            "mixed.example.com",
            "home.example.com",
            "v6.example.com",
            "mapped.example.com",
            "127.0.0.1",
            "[::1]")) {
      assertThatThrownBy(() -> vetted.vet(refused))
          .as(refused)
          .isInstanceOf(VettedResolver.RefusedAddressException.class);
    }
    assertThatThrownBy(() -> vetted.vet("nowhere.example.com"))
        .isInstanceOf(UnknownHostException.class);
    assertThat(asked).doesNotContain("127.0.0.1", "::1");
    assertThat(new VettedResolver(resolver, true, Runnable::run).vet("home.example.com"))
        .as("loopback only through the test seam")
        .containsExactly(address("127.0.0.1"));
  }

  @Test
  void aSendToANameThatResolvesPrivatelyNeverConnectsAndOneToAVettedNameGoesToItsAddress()
      throws Exception {
    VapidKeys keys = VapidKeys.generate();
    WebPushStandIn service = WebPushStandIn.start();
    List<String> asked = new CopyOnWriteArrayList<>();
    Resolver resolver =
        answering(
            Map.of(
                "push.internal.example", List.of(address("10.20.30.40")),
                // Not in any DNS: reaching the stand-in proves the client used this answer.
                "push.loopback.test", List.of(address("127.0.0.1"))),
            asked);
    try (PushSender sender =
        new PushSender(new WebPush("mailto:ops@example.com", keys), resolver, true)) {
      WebPushStandIn.Browser browser = service.subscribe(ServerKeys.publicKey(keys));
      int port = URI.create(service.origin()).getPort();
      Subscription internal =
          subscription(browser, URI.create("https://push.internal.example/push/" + browser.id()));
      PushSender.Outcome refused = sender.send(internal, "{}".getBytes(), "t1");
      assertThat(refused).isInstanceOf(PushSender.Outcome.Failed.class);
      assertThat(((PushSender.Outcome.Failed) refused).reason()).contains("not public");
      assertThat(((PushSender.Outcome.Failed) refused).retryAfter()).isEmpty();
      assertThat(asked).containsExactly("push.internal.example");

      Subscription vetted =
          subscription(
              browser, URI.create("http://push.loopback.test:" + port + "/push/" + browser.id()));
      assertThat(sender.send(vetted, "{\"ok\":true}".getBytes(), "t2"))
          .isInstanceOf(PushSender.Outcome.Delivered.class);
      assertThat(service.next(5).plaintext()).isEqualTo("{\"ok\":true}");
      assertThat(asked).containsExactly("push.internal.example", "push.loopback.test");
    } finally {
      service.close();
    }
  }

  private static Subscription subscription(WebPushStandIn.Browser browser, URI endpoint) {
    return new Subscription(
        "ps_test",
        1,
        endpoint,
        browser.p256dh(),
        browser.authSecret(),
        browser.serverKey(),
        Instant.now());
  }
}
