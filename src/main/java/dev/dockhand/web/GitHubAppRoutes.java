package dev.dockhand.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.NotFoundException;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.githubapp.GitHubApp;
import dev.dockhand.githubapp.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The GitHub App's routes: {@code POST /webhooks/github}, where GitHub delivers (no session or
 * token: the body's signature is the credential, checked before anything reads the body; bodies
 * over {@link Webhooks#MAX_BODY_BYTES} are refused with 413), and {@code GET/PUT
 * /api/v1/repos/{owner}/{name}/github}, a repository's App settings (whether failing CI sends fix
 * rounds), which only admins may change. Without a GitHub App configured, all answer 404.
 */
final class GitHubAppRoutes {
  static final String WEBHOOK = "/webhooks/github";
  private static final String SETTINGS = "/api/v1/repos/{owner}/{name}/github";

  private final Optional<GitHubApp> app;
  private final Authentication authentication;
  private final GitSettings git;
  private final int maxBodyBytes;

  GitHubAppRoutes(
      Optional<GitHubApp> app, Authentication authentication, GitSettings git, int maxBodyBytes) {
    this.app = app;
    this.authentication = authentication;
    this.git = git;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post(WEBHOOK, this::deliver);
    routes.get(SETTINGS, this::settings);
    routes.put(SETTINGS, this::saveSettings);
  }

  private GitHubApp app() {
    return app.orElseThrow(
        () ->
            new NotFoundException(
                "a GitHub App", "configuration (GITHUB_APP_ID and the keys beside it)"));
  }

  private void deliver(Context ctx) {
    GitHubApp app = app();
    int cap = Webhooks.MAX_BODY_BYTES;
    if (ctx.req().getContentLengthLong() > cap) {
      throw ApiException.tooLarge(cap);
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes(cap + 1);
    } catch (IOException e) {
      throw new InvalidInputException("body", "the body could not be read");
    }
    if (body.length > cap) {
      throw ApiException.tooLarge(cap);
    }
    Webhooks.Receipt receipt =
        app.webhooks()
            .receive(
                header(ctx, "X-GitHub-Event"),
                header(ctx, "X-GitHub-Delivery"),
                header(ctx, "X-Hub-Signature-256"),
                body);
    if (receipt == Webhooks.Receipt.FORGED) {
      ErrorMapper.write(
          ctx,
          new ErrorMapper.Problem(
              401, "unauthorized", "X-Hub-Signature-256 is missing or does not match the body"));
      return;
    }
    if (receipt == Webhooks.Receipt.MALFORMED) {
      throw new InvalidInputException(
          "body",
          "a delivery needs X-GitHub-Event, X-GitHub-Delivery and a JSON object as its body");
    }
    ObjectNode answer = Json.MAPPER.createObjectNode().put("status", receipt.name().toLowerCase());
    ctx.status(receipt.status()).json(answer);
  }

  private void settings(Context ctx) {
    authentication.require(ctx);
    ctx.json(view(app(), repo(ctx)));
  }

  private void saveSettings(Context ctx) {
    Caller caller = authentication.require(ctx);
    if (!caller.admin()) {
      throw ApiException.forbidden("a repository's GitHub App settings are changed by admins");
    }
    GitHubApp app = app();
    RepoUrl repo = repo(ctx);
    JsonBody body = JsonBody.read(ctx, maxBodyBytes);
    body.fieldNames()
        .filter(field -> !field.equals("ciFix"))
        .findFirst()
        .ifPresent(
            field -> {
              throw new InvalidInputException(
                  field, "unknown field " + field + "; the field is ciFix");
            });
    boolean ciFix =
        body.optionalBoolean("ciFix")
            .orElseThrow(() -> new InvalidInputException("ciFix", "ciFix is required"));
    app.repoSettings().setCiFix(repo.fullName(), ciFix);
    ctx.json(view(app, repo));
  }

  private static ObjectNode view(GitHubApp app, RepoUrl repo) {
    return Json.MAPPER
        .createObjectNode()
        .put("repo", repo.fullName())
        .put("ciFix", app.repoSettings().ciFix(repo.fullName()));
  }

  private RepoUrl repo(Context ctx) {
    return RepoUrl.parse(ctx.pathParam("owner") + "/" + ctx.pathParam("name"), git);
  }

  private static Optional<String> header(Context ctx, String name) {
    return Optional.ofNullable(ctx.header(name));
  }
}
