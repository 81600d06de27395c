package dev.dockhand.env;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the trusted side records of one cached environment, in {@code meta.properties} beside (not
 * inside) the saved trees: whose it is, its size, when it was made and last restored. An entry
 * without a readable record is a leftover and is deleted. Immutable.
 */
record EntryMeta(EnvKey key, long sizeBytes, Instant created, Instant lastUsed) {
  static final String FILE = "meta.properties";

  EntryMeta withLastUsed(Instant when) {
    return new EntryMeta(key, sizeBytes, created, when);
  }

  /** Writes the record into {@code entry}, replacing the old one in one rename. */
  void write(Path entry) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("key", key.hex());
    properties.setProperty("user", Long.toString(key.userId()));
    properties.setProperty("repo", key.repo());
    properties.setProperty("size", Long.toString(sizeBytes));
    properties.setProperty("created", Long.toString(created.toEpochMilli()));
    properties.setProperty("lastUsed", Long.toString(lastUsed.toEpochMilli()));
    Path temporary =
        entry.resolve(FILE + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    }
    Files.move(
        temporary,
        entry.resolve(FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The record of {@code entry}; empty when it is missing or malformed. */
  static Optional<EntryMeta> read(Path entry) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(entry.resolve(FILE), StandardCharsets.UTF_8)) {
      properties.load(in);
      EnvKey key =
          new EnvKey(
              Long.parseLong(properties.getProperty("user")),
              properties.getProperty("repo"),
              properties.getProperty("key"));
      return Optional.of(
          new EntryMeta(
              key,
              Long.parseLong(properties.getProperty("size")),
              Instant.ofEpochMilli(Long.parseLong(properties.getProperty("created"))),
              Instant.ofEpochMilli(Long.parseLong(properties.getProperty("lastUsed")))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
