package dev.dockhand.bench.env;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A real npm registry on loopback: verdaccio, installed from npm by bench/warm-start.sh, with no
 * uplink (it serves only what this bench publishes to it, so nothing leaves the machine), storage
 * in a temporary directory. Packages are published over the registry's own HTTP API, the request
 * {@code npm publish} sends.
 */
final class LocalNpmRegistry implements AutoCloseable {
  private final Process process;
  private final Path home;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  private LocalNpmRegistry(Process process, Path home, int port) {
    this.process = process;
    this.home = home;
    this.port = port;
  }

  static LocalNpmRegistry start(Path verdaccio) throws Exception {
    Path home = Files.createTempDirectory("dockhand-bench-registry-");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName(ADDRESS))) {
      port = probe.getLocalPort();
    }
    Files.writeString(
        home.resolve("config.yaml"),
        """
        storage: ./storage
        auth:
          htpasswd:
            file: ./htpasswd
            max_users: 10
        uplinks: {}
        packages:
          '**':
            access: $all
            publish: $authenticated
        listen: 127.0.0.2:%d
        max_body_size: 100mb
        log: { type: stdout, format: pretty, level: warn }
        """
            .formatted(port));
    Process process =
        new ProcessBuilder(verdaccio.toString(), "--config", home.resolve("config.yaml").toString())
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("verdaccio.log").toFile())
            .start();
    LocalNpmRegistry registry = new LocalNpmRegistry(process, home, port);
    registry.awaitUp();
    registry.signUp();
    return registry;
  }

  /**
   * The registry's URL, as the host (and, through the egress proxy, a task) reaches it: on
   * 127.0.0.2, since inside a container 127.0.0.1 is the container's own loopback and bypasses the
   * proxy.
   */
  URI url() {
    return URI.create("http://" + ADDRESS + ":" + port + "/");
  }

  static final String ADDRESS = "127.0.0.2";

  int port() {
    return port;
  }

  /** Publishes {@code name@1.0.0} with {@code dependencies} and {@code files} under package/. */
  void publish(String name, Map<String, String> dependencies, Map<String, String> files)
      throws Exception {
    ObjectNode manifest = Json.MAPPER.createObjectNode();
    manifest.put("name", name).put("version", "1.0.0").put("main", "index.js");
    ObjectNode deps = manifest.putObject("dependencies");
    dependencies.forEach(deps::put);
    byte[] tarball = tarball(manifest, files);
    String file = name + "-1.0.0.tgz";
    ObjectNode version = manifest.deepCopy();
    version.put("_id", name + "@1.0.0");
    ObjectNode dist = version.putObject("dist");
    dist.put(
        "shasum", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(tarball)));
    dist.put(
        "integrity",
        "sha512-"
            + Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-512").digest(tarball)));
    dist.put("tarball", url() + name + "/-/" + file);
    ObjectNode document = Json.MAPPER.createObjectNode();
    document.put("_id", name).put("name", name);
    document.putObject("dist-tags").put("latest", "1.0.0");
    document.putObject("versions").set("1.0.0", version);
    ObjectNode attachment = document.putObject("_attachments").putObject(file);
    attachment.put("content_type", "application/octet-stream");
    attachment.put("data", Base64.getEncoder().encodeToString(tarball));
    attachment.put("length", tarball.length);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(url().resolve(name))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(document.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException("publishing " + name + ": " + response.body());
    }
  }

  private static byte[] tarball(JsonNode manifest, Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      add(tar, "package/package.json", manifest.toPrettyString());
      for (Map.Entry<String, String> entry : files.entrySet()) {
        add(tar, "package/" + entry.getKey(), entry.getValue());
      }
    }
    return bytes.toByteArray();
  }

  private static void add(TarArchiveOutputStream tar, String path, String text) throws IOException {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(path);
    entry.setSize(content.length);
    entry.setMode(0644);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private void awaitUp() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "verdaccio exited: " + Files.readString(home.resolve("verdaccio.log")));
      }
      try {
        HttpResponse<String> ping =
            http.send(
                HttpRequest.newBuilder(url().resolve("-/ping")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (ping.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100); // a poll with a deadline, while verdaccio starts
    }
    throw new IllegalStateException("verdaccio did not answer within 60 s");
  }

  private void signUp() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(url().resolve("-/user/org.couchdb.user:bench"))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"bench\",\"password\":\"bench-only-password\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    token = Json.MAPPER.readTree(response.body()).path("token").asText();
    if (token.isEmpty()) {
      throw new IllegalStateException("verdaccio gave no token: " + response.body());
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor();
    try (var walk = Files.walk(home)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
