package dev.dockhand.queue;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteTransitionsTest extends TransitionsContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
