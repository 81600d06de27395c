package dev.dockhand.githubapp;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteGitHubStoreTest extends GitHubStoreContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
