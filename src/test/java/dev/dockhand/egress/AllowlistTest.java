package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.ConfigException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowlistTest {
  @Test
  void anOperatorListMatchesItsEntriesAndNothingElse() {
    Allowlist list = Allowlist.parse(" pypi.org, *.crates.io ,,127.0.0.1:8080", "KEY");

    assertThat(list.entries()).hasSize(3);
    assertThat(list.match("pypi.org", 443)).contains(EgressEntry.parse("pypi.org"));
    assertThat(list.match("static.crates.io", 443)).contains(EgressEntry.parse("*.crates.io"));
    assertThat(list.match("crates.io", 443)).isEmpty();
    assertThat(list.match("127.0.0.1", 8080)).contains(EgressEntry.parse("127.0.0.1:8080"));
    assertThat(list.match("127.0.0.1", 80)).isEmpty();
    assertThat(list.match("evil.example", 443)).isEmpty();
  }

  @Test
  void aBadOperatorEntryStopsStartUpNamingTheKeyAndTheEntry() {
    assertThatThrownBy(() -> Allowlist.parse("pypi.org,pypi.org:http", "DOCKHAND_EGRESS_ALLOW"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DOCKHAND_EGRESS_ALLOW: ")
        .hasMessageContaining("'pypi.org:http'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aPersonMayAddNamesAndWildcardsUnderADomain() {
    List<EgressEntry> entries =
        Allowlist.userEntries(List.of("api.example.com", "*.example.org:8443"));

    assertThat(entries)
        .containsExactly(
            EgressEntry.parse("api.example.com"), EgressEntry.parse("*.example.org:8443"));
  }

  @Test
  void aPersonMayNotAddAddressLiteralsNorWildcardsOverATopLevelDomain() {
    for (String text :
        List.of(
            "127.0.0.1",
            "169.254.169.254:80",
            "[::1]:8080",
            "[fd00:ec2::254]",
            "*.com",
            "*.internal:443",
            "*",
            "not a host")) {
      assertThatThrownBy(() -> Allowlist.userEntries(List.of("pypi.org", text)))
          .as(text)
          .isInstanceOfSatisfying(
              InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("egressAllow"));
    }
    assertThatThrownBy(() -> Allowlist.userEntries(List.of("10.0.0.5")))
        .hasMessageContaining("'10.0.0.5'")
        .hasMessageContaining("DOCKHAND_EGRESS_ALLOW");
  }

  @Test
  void aPersonMayAddAtMostTwentyEntries() {
    assertThat(Allowlist.userEntries(Collections.nCopies(20, "a.example.com"))).hasSize(20);
    assertThatThrownBy(() -> Allowlist.userEntries(Collections.nCopies(21, "a.example.com")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("20");
  }

  @Test
  void plusAddsEntriesOnceAndLeavesTheOriginalAlone() {
    Allowlist base = Allowlist.parse("pypi.org", "KEY");

    Allowlist task = base.plus(Allowlist.userEntries(List.of("api.example.com", "pypi.org")));

    assertThat(task.entries()).hasSize(2);
    assertThat(task.match("api.example.com", 443)).isPresent();
    assertThat(base.match("api.example.com", 443)).isEmpty();
  }
}
