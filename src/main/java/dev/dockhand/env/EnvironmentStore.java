package dev.dockhand.env;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import dev.dockhand.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Each person's saved environment settings per repository ({@code repo_environments}). The
 * repository is named by its clone URL, compared without case. Thread-safe.
 */
public final class EnvironmentStore {
  private final Database database;
  private final Clock clock;

  public EnvironmentStore(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** Saved settings and when they were last changed. */
  public record Saved(EnvironmentSettings settings, Instant updatedAt) {}

  public Optional<Saved> find(long userId, String cloneUrl) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT settings, updated_at FROM repo_environments"
                            + " WHERE user_id = :user AND repo = :repo")
                    .bind("user", userId)
                    .bind("repo", key(cloneUrl))
                    .map(
                        (row, context) ->
                            new Saved(
                                read(row.getString("settings")),
                                Instant.ofEpochMilli(row.getLong("updated_at"))))
                    .findFirst());
  }

  /** Saves {@code settings}; settings with nothing set remove the row instead. */
  public Optional<Saved> save(long userId, String cloneUrl, EnvironmentSettings settings) {
    long now = clock.millis();
    database.write(
        handle ->
            settings.empty()
                ? handle
                    .createUpdate(
                        "DELETE FROM repo_environments WHERE user_id = :user AND repo = :repo")
                    .bind("user", userId)
                    .bind("repo", key(cloneUrl))
                    .execute()
                : handle
                    .createUpdate(
                        "INSERT INTO repo_environments (user_id, repo, settings, updated_at)"
                            + " VALUES (:user, :repo, :settings, :now)"
                            + " ON CONFLICT (user_id, repo) DO UPDATE"
                            + " SET settings = :settings, updated_at = :now")
                    .bind("user", userId)
                    .bind("repo", key(cloneUrl))
                    .bind("settings", write(settings))
                    .bind("now", now)
                    .execute());
    return settings.empty()
        ? Optional.empty()
        : Optional.of(new Saved(settings, Instant.ofEpochMilli(now)));
  }

  private static String key(String cloneUrl) {
    return cloneUrl.toLowerCase(Locale.ROOT);
  }

  static String write(EnvironmentSettings settings) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("setup", settings.setup().orElse(null));
    json.put("maintenance", settings.maintenance().orElse(null));
    json.put("checks", settings.checks().orElse(null));
    ObjectNode env = json.putObject("env");
    settings.env().forEach(env::put);
    settings.lockfiles().forEach(json.putArray("lockfiles")::add);
    json.put("continueOnSetupFailure", settings.continueOnSetupFailure());
    return json.toString();
  }

  static EnvironmentSettings read(String text) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored environment is not JSON", e);
    }
    Map<String, String> env = new LinkedHashMap<>();
    json.path("env")
        .properties()
        .forEach(entry -> env.put(entry.getKey(), entry.getValue().asText()));
    List<String> lockfiles = new ArrayList<>();
    json.path("lockfiles").forEach(item -> lockfiles.add(item.asText()));
    return new EnvironmentSettings(
        text(json, "setup"),
        text(json, "maintenance"),
        text(json, "checks"),
        env,
        lockfiles,
        json.path("continueOnSetupFailure").asBoolean(false));
  }

  private static Optional<String> text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }
}
