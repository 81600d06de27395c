package dev.dockhand.githubapp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.Json;
import dev.dockhand.auth.Auth;
import dev.dockhand.events.EventLog;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.PublishTarget;
import dev.dockhand.github.AppSettings;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.InstallationTokens;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.store.Database;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GitHub App on one node: the webhook's door, the worker that handles what it stored, the
 * triggers, CI fix rounds and progress reports, and where tasks started from GitHub push. Built by
 * the node when the App is configured; closed with it. Thread-safe.
 */
public final class GitHubApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GitHubApp.class);

  /** What the App is built from. */
  public record Parts(
      AppSettings settings,
      GitSettings git,
      Database database,
      TaskQueue queue,
      EventLog events,
      Auth auth,
      GitHubClient github,
      InstallationTokens tokens,
      Supplier<URI> publicUrl,
      String nodeId,
      Clock clock) {}

  private final Webhooks webhooks;
  private final GitHubLinks links;
  private final RepoSettings repoSettings;
  private final Deliveries deliveries;
  private final DeliveryWorker worker;
  private final Triggers triggers;
  private final CiFixes ciFixes;
  private final InstallationTokens tokens;
  private final AutoCloseable taskChanges;
  private final String slug;

  private GitHubApp(Parts parts) {
    this.tokens = parts.tokens();
    this.slug = "@" + parts.settings().slug();
    AppApi api = new AppApi(parts.github(), parts.tokens());
    links = new GitHubLinks(parts.database(), parts.clock());
    repoSettings = new RepoSettings(parts.database(), parts.clock());
    deliveries = new Deliveries(parts.database(), parts.clock());
    Progress progress = new Progress(api, links, parts.queue(), parts.events(), parts.publicUrl());
    Commenters commenters =
        new Commenters(api, parts.auth(), parts.github(), parts.tokens(), parts.clock());
    AppSettings settings = parts.settings();
    triggers =
        new Triggers(
            settings.slug(),
            parts.git(),
            parts.queue(),
            api,
            commenters,
            links,
            progress,
            settings.replyToStrangers());
    ciFixes =
        new CiFixes(
            parts.queue(), api, links, repoSettings, progress, triggers, settings.ciFixRounds());
    worker = new DeliveryWorker(deliveries, this::handle, progress::reportEnded, parts.nodeId());
    webhooks =
        new Webhooks(new WebhookSignature(settings.webhookSecret()), deliveries, worker::wake);
    taskChanges = parts.queue().taskHub().subscribeAll(task -> worker.taskChanged());
  }

  /** Built, not yet handling deliveries: {@link #start()} once the server answers. */
  public static GitHubApp create(Parts parts) {
    return new GitHubApp(parts);
  }

  /** Starts handling what was stored, earlier runs' leftovers included. */
  public void start() {
    worker.start();
    log.info("GitHub App {} handles deliveries to /webhooks/github", slug);
  }

  public Webhooks webhooks() {
    return webhooks;
  }

  /**
   * Where a task started from a pull request pushes, and the issue a task's pull request closes.
   */
  public PublishTarget.Lookup publishTargets() {
    return links;
  }

  public RepoSettings repoSettings() {
    return repoSettings;
  }

  /** Deliveries stored and not yet handled. */
  public long pendingDeliveries() {
    return deliveries.pending();
  }

  private String handle(Delivery delivery) {
    JsonNode payload;
    try {
      payload = Json.MAPPER.readTree(delivery.payload() == null ? "{}" : delivery.payload());
    } catch (IOException e) {
      throw new DockhandException("github_app", "a stored delivery is not JSON");
    }
    return Payloads.read(delivery.event(), payload)
        .map(
            request -> {
              Request.Repo repo = request.repo();
              tokens.remember(repo.installationId(), repo.owner(), repo.name());
              return switch (request) {
                case Request.IssueOpened issue -> triggers.issue(issue);
                case Request.Comment comment -> triggers.comment(comment);
                case Request.Review review -> triggers.review(review);
                case Request.CiFailed failure -> ciFixes.failed(failure, delivery.id());
              };
            })
        .orElse("nothing asked");
  }

  @Override
  public void close() {
    try {
      taskChanges.close();
    } catch (Exception e) {
      log.debug("unsubscribing from task changes failed", e);
    }
    worker.close();
  }
}
