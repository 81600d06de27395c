package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EgressEntryTest {
  @Test
  void aHostWithoutAPortAllowsOnly80And443() {
    EgressEntry entry = EgressEntry.parse("Registry.NPMjs.org");

    assertThat(entry).isEqualTo(new EgressEntry("registry.npmjs.org", false, OptionalInt.empty()));
    assertThat(entry.allows("registry.npmjs.org", 443)).isTrue();
    assertThat(entry.allows("registry.npmjs.org", 80)).isTrue();
    assertThat(entry.allows("registry.npmjs.org", 8080)).isFalse();
    assertThat(entry.allows("other.npmjs.org", 443)).isFalse();
  }

  @Test
  void aHostWithAPortAllowsThatPortAlone() {
    EgressEntry entry = EgressEntry.parse("git.example.com:8443");

    assertThat(entry.allows("git.example.com", 8443)).isTrue();
    assertThat(entry.allows("git.example.com", 443)).isFalse();
    assertThat(entry.allows("git.example.com", 80)).isFalse();
  }

  @Test
  void aWildcardAllowsSubdomainsButNotTheDomainNorLookalikes() {
    EgressEntry entry = EgressEntry.parse("*.example.com");

    assertThat(entry.allows("a.example.com", 443)).isTrue();
    assertThat(entry.allows("a.b.example.com", 443)).isTrue();
    assertThat(entry.allows("example.com", 443)).isFalse();
    assertThat(entry.allows("badexample.com", 443)).isFalse();
    assertThat(entry.allows("a.example.com.evil.net", 443)).isFalse();
    assertThat(entry.allows("a.example.co", 443)).isFalse();
  }

  @Test
  void addressLiteralsAreRecognisedAndCompareAsAddresses() {
    EgressEntry v4 = EgressEntry.parse("127.0.0.1:8080");
    EgressEntry v6 = EgressEntry.parse("[::1]:8080");

    assertThat(v4.addressLiteral()).isTrue();
    assertThat(v4.allows("127.0.0.1", 8080)).isTrue();
    assertThat(v4.allows("127.0.0.2", 8080)).isFalse();
    assertThat(v6.addressLiteral()).isTrue();
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.allows("0:0:0:0:0:0:0:1", 8080)).isTrue();
    assertThat(v6.allows("::1", 8081)).isFalse();
    assertThat(v6.toString()).isEqualTo("[::1]:8080");
    assertThat(EgressEntry.parse("[fd00:ec2::254]").allows("fd00:ec2::254", 80)).isTrue();
    assertThat(EgressEntry.parse("pypi.org").addressLiteral()).isFalse();
  }

  @Test
  void anInternationalNameBecomesItsAsciiForm() {
    assertThat(EgressEntry.parse("bücher.example").host()).isEqualTo("xn--bcher-kva.example");
  }

  @Test
  void entriesPrintAsTheyAreWritten() {
    for (String text : new String[] {"pypi.org", "*.example.com:8443", "10.0.0.7:3000"}) {
      assertThat(EgressEntry.parse(text).toString()).isEqualTo(text);
    }
  }

  @Test
  void malformedEntriesAreRefusedQuotingTheEntry() {
    String[] bad = {
      "",
      " ",
      "*",
      "*.",
      "**.com",
      "*.*.com",
      "*example.com",
      "a..b",
      "-a.com",
      "a-.com",
      "exa mple.com",
      "a_b.com",
      "http://pypi.org",
      "pypi.org/simple",
      "pypi.org:",
      "pypi.org:0",
      "pypi.org:65536",
      "pypi.org:+80",
      "pypi.org:80:80",
      "::1",
      "[::1",
      "[::1]x",
      "[::1]:",
      "[pypi.org]",
      "[::g]",
      "[fe80::1%eth0]",
      "256.1.1.1",
      "01.2.3.4",
      "*.10.0.0.1",
      "127.1",
      "2130706433",
      "1.2.3.4.5",
      "example.com.",
      "a".repeat(64) + ".com"
    };
    for (String text : bad) {
      assertThatThrownBy(() -> EgressEntry.parse(text))
          .as("'%s'", text)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> EgressEntry.parse("pypi.org:99999"))
        .hasMessageContaining("'pypi.org:99999'")
        .hasMessageContaining("port");
  }
}
