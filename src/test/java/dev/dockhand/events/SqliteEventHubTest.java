package dev.dockhand.events;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteEventHubTest extends EventHubContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
