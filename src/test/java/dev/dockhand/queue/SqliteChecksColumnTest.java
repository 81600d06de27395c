package dev.dockhand.queue;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteChecksColumnTest extends ChecksColumnContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
