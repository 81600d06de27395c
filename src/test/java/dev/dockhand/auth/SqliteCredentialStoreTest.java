package dev.dockhand.auth;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteCredentialStoreTest extends CredentialStoreContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
