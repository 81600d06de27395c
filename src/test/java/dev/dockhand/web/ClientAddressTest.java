package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.egress.IpLiteral;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress behindProxy =
      new ClientAddress(Set.of(IpLiteral.parse("127.0.0.1").orElseThrow()));

  @Test
  void withoutATrustedProxyTheForwardedHeaderIsIgnored() {
    ClientAddress direct = new ClientAddress(Set.of());
    assertThat(direct.resolve("127.0.0.1", "203.0.113.9")).isEqualTo("127.0.0.1");
  }

  @Test
  void behindATrustedProxyTheRightMostUntrustedHopIsTheCaller() {
    assertThat(behindProxy.resolve("127.0.0.1", "198.51.100.1, 203.0.113.9"))
        .isEqualTo("203.0.113.9");
    assertThat(behindProxy.resolve("127.0.0.1", "203.0.113.9, 127.0.0.1")).isEqualTo("203.0.113.9");
    assertThat(behindProxy.resolve("127.0.0.1", null)).isEqualTo("127.0.0.1");
  }

  @Test
  void aForgedOrMalformedHopEndsTheWalk() {
    assertThat(behindProxy.resolve("127.0.0.1", "evil, not-an-ip")).isEqualTo("127.0.0.1");
    assertThat(behindProxy.resolve("127.0.0.2", "203.0.113.9")).isEqualTo("127.0.0.2");
    assertThat(behindProxy.resolve("[::1]", null)).isEqualTo("0:0:0:0:0:0:0:1");
  }
}
