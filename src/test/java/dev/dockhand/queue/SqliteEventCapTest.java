package dev.dockhand.queue;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteEventCapTest extends EventCapContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
