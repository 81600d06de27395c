package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.ConflictException;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.env.EnvironmentSettings;
import dev.dockhand.env.EnvironmentStore;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.RepoUrl;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * {@code /api/v1/repos/{owner}/{name}/environment}: the caller's own environment settings for one
 * repository (setup, maintenance, checks, env, lockfiles, continueOnSetupFailure). A PUT replaces
 * them whole; a PUT with nothing set removes them, so the repository's devcontainer.json applies
 * again. {@code POST …/rebuild} drops the caller's cached environments of the repository.
 */
final class EnvironmentRoutes {
  private static final String PATH = "/api/v1/repos/{owner}/{name}/environment";
  private static final Set<String> FIELDS =
      Set.of("setup", "maintenance", "checks", "env", "lockfiles", "continueOnSetupFailure");

  private final Authentication authentication;
  private final EnvironmentStore store;
  private final GitSettings git;
  private final Optional<BiConsumer<Long, RepoUrl>> rebuild;
  private final int maxBodyBytes;

  /**
   * @param rebuild drops the user's cached environments of the repository; empty when this server
   *     keeps none
   */
  EnvironmentRoutes(
      Authentication authentication,
      EnvironmentStore store,
      GitSettings git,
      Optional<BiConsumer<Long, RepoUrl>> rebuild,
      int maxBodyBytes) {
    this.authentication = authentication;
    this.store = store;
    this.git = git;
    this.rebuild = rebuild;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.get(PATH, this::get);
    routes.put(PATH, this::put);
    routes.post(PATH + "/rebuild", this::rebuild);
  }

  private void get(Context ctx) {
    Caller caller = authentication.require(ctx);
    RepoUrl repo = repo(ctx);
    Optional<EnvironmentStore.Saved> saved = store.find(caller.userId(), repo.cloneUrl());
    ctx.json(view(repo, saved));
  }

  private void put(Context ctx) {
    Caller caller = authentication.require(ctx);
    RepoUrl repo = repo(ctx);
    JsonBody body = JsonBody.read(ctx, maxBodyBytes);
    body.fieldNames()
        .filter(field -> !FIELDS.contains(field))
        .findFirst()
        .ifPresent(
            field -> {
              throw new InvalidInputException(
                  field,
                  "unknown field " + field + "; the fields are " + String.join(", ", sorted()));
            });
    EnvironmentSettings settings =
        new EnvironmentSettings(
            body.optionalText("setup"),
            body.optionalText("maintenance"),
            body.optionalText("checks"),
            env(body.optionalObject("env")),
            body.optionalStrings("lockfiles").orElse(List.of()),
            body.optionalBoolean("continueOnSetupFailure").orElse(false));
    ctx.json(view(repo, store.save(caller.userId(), repo.cloneUrl(), settings)));
  }

  private void rebuild(Context ctx) {
    Caller caller = authentication.require(ctx);
    RepoUrl repo = repo(ctx);
    rebuild
        .orElseThrow(
            () ->
                new ConflictException(
                    "this server keeps no cached environments (DOCKHAND_ENV_CACHE_MB is 0):"
                        + " every task runs its setup"))
        .accept(caller.userId(), repo);
    ctx.status(204);
  }

  /** Any repository a task could name: the same rules as a submit's {@code repo}. */
  private RepoUrl repo(Context ctx) {
    return RepoUrl.parse(ctx.pathParam("owner") + "/" + ctx.pathParam("name"), git);
  }

  private static Map<String, String> env(Optional<JsonNode> object) {
    Map<String, String> env = new LinkedHashMap<>();
    object.ifPresent(
        json ->
            json.properties()
                .forEach(
                    entry -> {
                      if (!entry.getValue().isTextual()) {
                        throw new InvalidInputException(
                            "env", "env." + entry.getKey() + " must be a string");
                      }
                      env.put(entry.getKey(), entry.getValue().asText());
                    }));
    return env;
  }

  private static ObjectNode view(RepoUrl repo, Optional<EnvironmentStore.Saved> saved) {
    EnvironmentSettings settings =
        saved.map(EnvironmentStore.Saved::settings).orElse(EnvironmentSettings.NONE);
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("repo", repo.fullName());
    view.put("saved", saved.isPresent());
    saved.ifPresent(entry -> view.put("updatedAt", entry.updatedAt().toString()));
    view.put("setup", settings.setup().orElse(null));
    view.put("maintenance", settings.maintenance().orElse(null));
    view.put("checks", settings.checks().orElse(null));
    ObjectNode env = view.putObject("env");
    settings.env().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(entry -> env.put(entry.getKey(), entry.getValue()));
    settings.lockfiles().forEach(view.putArray("lockfiles")::add);
    view.put("continueOnSetupFailure", settings.continueOnSetupFailure());
    EnvironmentSettings.DEFAULT_LOCKFILES.forEach(view.putArray("defaultLockfiles")::add);
    return view;
  }

  private static List<String> sorted() {
    return FIELDS.stream().sorted().toList();
  }
}
