package dev.dockhand.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The proxy settings of the tools that read no environment variable for it, written into the
 * sandbox user's home inside the container when it starts (the home is the task's own, so nothing
 * of another task's or the host's is touched): Maven's {@code ~/.m2/settings.xml}. An existing file
 * is left alone. Stateless.
 */
final class ProxySettingsFiles {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  private ProxySettingsFiles() {}

  static ExecRequest writeRequest() {
    String settings =
        """
        <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
          <!-- Written by Dockhand: the sandbox's only way out is its egress proxy. -->
          <proxies>
            <proxy><id>dockhand-http</id><active>true</active><protocol>http</protocol>
              <host>127.0.0.1</host><port>%1$d</port><nonProxyHosts>localhost|127.0.0.1</nonProxyHosts></proxy>
            <proxy><id>dockhand-https</id><active>true</active><protocol>https</protocol>
              <host>127.0.0.1</host><port>%1$d</port><nonProxyHosts>localhost|127.0.0.1</nonProxyHosts></proxy>
          </proxies>
        </settings>
        """
            .formatted(ContainerSpec.PROXY_PORT);
    return new ExecRequest(
        List.of(
            "sh",
            "-c",
            "mkdir -p \"$HOME/.m2\" && { [ -e \"$HOME/.m2/settings.xml\" ]"
                + " || cat > \"$HOME/.m2/settings.xml\"; }"),
        ContainerSpec.HOME,
        Map.of(),
        settings.getBytes(StandardCharsets.UTF_8),
        LIMIT,
        null);
  }
}
