package dev.dockhand.app;

import dev.dockhand.auth.Auth;
import dev.dockhand.auth.User;
import dev.dockhand.auth.Users;
import dev.dockhand.git.GitHost;
import dev.dockhand.git.GitIdentity;
import dev.dockhand.git.GitPublisher;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.run.TaskOwner;
import dev.dockhand.sandbox.DockerSandbox;
import dev.dockhand.sandbox.SandboxHealth;
import dev.dockhand.sandbox.TaskDiskRoom;
import dev.dockhand.sandbox.TaskDisks;
import dev.dockhand.store.Database;
import dev.dockhand.web.DatabaseReadiness;
import dev.dockhand.web.Readiness;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The pieces a node hands the pipeline and the server, each built from the configuration. */
final class Wiring {
  private Wiring() {}

  /** A task runs only while its owner may still use the server (not disabled, still allowed). */
  static TaskOwner.Lookup owners(Config config, Auth auth) {
    Users users = auth.users();
    return userId -> {
      User user = auth.confirmStillAllowed(userId);
      if (user.local()) {
        return new TaskOwner(
            new GitIdentity(user.displayName(), "local@dockhand.invalid"),
            config.git().localToken());
      }
      return new TaskOwner(
          new GitIdentity(user.displayName(), user.login() + "@users.noreply.github.com"),
          users.gitToken(userId));
    };
  }

  static Function<RepoUrl, GitPublisher> publishers(Config config) {
    HttpClient http = HttpClient.newHttpClient();
    return repo -> new GitPublisher(GitHost.forRepo(repo, config.git(), http), config.publicUrl());
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
