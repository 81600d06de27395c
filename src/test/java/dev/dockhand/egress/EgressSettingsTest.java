package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EgressSettingsTest {
  @Test
  void byDefaultThePublicRegistriesAndTheGitHostsAreAllowed() {
    EgressSettings settings =
        EgressSettings.from(new Env(Map.of()), List.of("github.com", "git.example.com:8443"));

    for (String host :
        List.of(
            "registry.npmjs.org",
            "pypi.org",
            "files.pythonhosted.org",
            "repo1.maven.org",
            "repo.maven.apache.org",
            "index.crates.io",
            "proxy.golang.org",
            "deb.debian.org",
            "security.ubuntu.com",
            "github.com")) {
      assertThat(settings.allowlist().match(host, 443)).as(host).isPresent();
    }
    assertThat(settings.allowlist().match("git.example.com", 8443)).isPresent();
    assertThat(settings.allowlist().match("git.example.com", 443)).isEmpty();
    assertThat(settings.allowlist().match("example.com", 443)).isEmpty();
    assertThat(settings.userAdd()).isTrue();
  }

  @Test
  void theOperatorsListReplacesTheRegistriesButKeepsTheGitHosts() {
    EgressSettings settings =
        EgressSettings.from(
            new Env(Map.of("DOCKHAND_EGRESS_ALLOW", "npm.internal.example:4873")),
            List.of("github.com"));

    assertThat(settings.allowlist().match("npm.internal.example", 4873)).isPresent();
    assertThat(settings.allowlist().match("github.com", 443)).isPresent();
    assertThat(settings.allowlist().match("pypi.org", 443)).isEmpty();
  }

  @Test
  void noneAllowsOnlyTheGitHosts() {
    EgressSettings settings =
        EgressSettings.from(
            new Env(Map.of("DOCKHAND_EGRESS_ALLOW", "none")), List.of("github.com"));

    assertThat(settings.allowlist().entries()).containsExactly(EgressEntry.parse("github.com"));
  }

  @Test
  void badValuesStopStartUpNamingTheKey() {
    assertThatThrownBy(
            () ->
                EgressSettings.from(
                    new Env(Map.of("DOCKHAND_EGRESS_ALLOW", "pypi.org:x")), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DOCKHAND_EGRESS_ALLOW: ");
    assertThatThrownBy(
            () ->
                EgressSettings.from(
                    new Env(Map.of("DOCKHAND_EGRESS_USER_ADD", "maybe")), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DOCKHAND_EGRESS_USER_ADD: ");
  }

  @Test
  void aTasksAllowlistAddsThePersonsEntries() {
    EgressSettings settings = EgressSettings.from(new Env(Map.of()), List.of());

    Allowlist task = settings.forTask(List.of("api.example.com"));

    assertThat(task.match("api.example.com", 443)).isPresent();
    assertThat(task.match("pypi.org", 443)).isPresent();
    assertThat(settings.forTask(List.of())).isEqualTo(settings.allowlist());
  }

  @Test
  void additionsAreRefusedWhenTheOperatorTurnedThemOff() {
    EgressSettings settings =
        EgressSettings.from(new Env(Map.of("DOCKHAND_EGRESS_USER_ADD", "false")), List.of());

    assertThatThrownBy(() -> settings.forTask(List.of("api.example.com")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("egressAllow"))
        .hasMessageContaining("DOCKHAND_EGRESS_USER_ADD=false");
    assertThat(settings.forTask(List.of())).isEqualTo(settings.allowlist());
  }
}
