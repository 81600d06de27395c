package dev.dockhand.githubapp;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

@Tag("postgres")
class PostgresGitHubStoreTest extends GitHubStoreContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.freshPostgresUrl();
  }
}
