package dev.dockhand.app;

import dev.dockhand.DockhandException;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.User;
import dev.dockhand.auth.Users;
import dev.dockhand.config.Secret;
import dev.dockhand.events.EventLog;
import dev.dockhand.git.GitHost;
import dev.dockhand.git.GitIdentity;
import dev.dockhand.git.GitPublisher;
import dev.dockhand.git.PublishTarget;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.github.AppJwt;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.InstallationTokens;
import dev.dockhand.githubapp.GitHubApp;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.run.TaskOwner;
import dev.dockhand.sandbox.DockerSandbox;
import dev.dockhand.sandbox.SandboxHealth;
import dev.dockhand.sandbox.TaskDiskRoom;
import dev.dockhand.sandbox.TaskDisks;
import dev.dockhand.store.Database;
import dev.dockhand.web.DatabaseReadiness;
import dev.dockhand.web.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pieces a node hands the pipeline and the server, each built from the configuration. */
final class Wiring {
  private static final Logger log = LoggerFactory.getLogger(Wiring.class);
  private static final Duration GITHUB_TIMEOUT = Duration.ofSeconds(30);

  private Wiring() {}

  /**
   * A task runs only while its owner may still use the server (not disabled, still allowed). Where
   * the GitHub App is installed on the repository, its installation token clones and pushes;
   * elsewhere the owner's own token does (DOCKHAND_GIT_TOKEN for the local user).
   */
  static TaskOwner.Lookup owners(Config config, Auth auth, Optional<InstallationTokens> app) {
    Users users = auth.users();
    return new TaskOwner.Lookup() {
      @Override
      public TaskOwner of(long userId, RepoUrl repo) {
        User user = auth.confirmStillAllowed(userId);
        GitIdentity identity =
            user.local()
                ? new GitIdentity(user.displayName(), "local@dockhand.invalid")
                : new GitIdentity(user.displayName(), user.login() + "@users.noreply.github.com");
        return new TaskOwner(identity, token(user, repo));
      }

      @Override
      public Optional<Secret> pushToken(long userId, RepoUrl repo) {
        return users.find(userId).flatMap(user -> token(user, repo));
      }

      private Optional<Secret> token(User user, RepoUrl repo) {
        Optional<Secret> own = user.local() ? config.git().localToken() : users.gitToken(user.id());
        return appToken(config, app, repo, own.isPresent()).or(() -> own);
      }
    };
  }

  private static Optional<Secret> appToken(
      Config config, Optional<InstallationTokens> app, RepoUrl repo, boolean ownToken) {
    if (app.isEmpty() || !repo.isGitHub(config.git())) {
      return Optional.empty();
    }
    try {
      return app.get().forRepository(repo.owner(), repo.name());
    } catch (DockhandException unanswered) {
      if (!ownToken) {
        throw unanswered;
      }
      log.warn(
          "the GitHub App's token for {} could not be had ({}); the owner's own token is used",
          repo.fullName(),
          unanswered.getMessage());
      return Optional.empty();
    }
  }

  static Function<RepoUrl, GitPublisher> publishers(Config config, Optional<GitHubApp> githubApp) {
    HttpClient http = HttpClient.newHttpClient();
    PublishTarget.Lookup targets =
        githubApp.map(GitHubApp::publishTargets).orElse(PublishTarget.Lookup.NONE);
    return repo ->
        new GitPublisher(GitHost.forRepo(repo, config.git(), http), config.publicUrl(), targets);
  }

  /** The App's access to repositories, where GITHUB_APP_* configure one. */
  static Optional<InstallationTokens> installationTokens(Config config, Clock clock) {
    return config
        .githubApp()
        .map(
            app ->
                new InstallationTokens(
                    GitHubClient.create(config.git().githubApiUrl(), GITHUB_TIMEOUT),
                    new AppJwt(app.appId(), app.privateKey(), clock),
                    clock));
  }

  /** The GitHub App, not yet started: its links go to {@code origin} unless DOCKHAND_PUBLIC_URL. */
  static Optional<GitHubApp> githubApp(
      Config config,
      Optional<InstallationTokens> tokens,
      Database database,
      TaskQueue queue,
      EventLog events,
      Auth auth,
      Supplier<URI> origin,
      Clock clock) {
    return config
        .githubApp()
        .map(
            settings ->
                GitHubApp.create(
                    new GitHubApp.Parts(
                        settings,
                        config.git(),
                        database,
                        queue,
                        events,
                        auth,
                        GitHubClient.create(config.git().githubApiUrl(), GITHUB_TIMEOUT),
                        tokens.orElseThrow(),
                        () -> config.publicUrl().orElseGet(origin),
                        config.nodeId(),
                        clock)));
  }

  static Readiness readiness(Database database, DockerSandbox sandbox, TaskDisks disks) {
    DatabaseReadiness databaseCheck = new DatabaseReadiness(database);
    return () -> {
      List<Readiness.Check> checks = new ArrayList<>(databaseCheck.check());
      TaskDiskRoom room = disks.room();
      checks.add(new Readiness.Check("disk", room.enough(), room.sentence()));
      SandboxHealth health = sandbox.health();
      checks.add(
          new Readiness.Check(
              "docker",
              health.engineReachable(),
              health.engineReachable() ? "engine reachable" : health.summary()));
      checks.add(
          new Readiness.Check(
              "worker-image",
              health.imagePresent(),
              health.imagePresent() ? "present" : health.summary()));
      return checks;
    };
  }
}
