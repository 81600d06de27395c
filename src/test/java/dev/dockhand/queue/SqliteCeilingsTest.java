package dev.dockhand.queue;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteCeilingsTest extends CeilingsContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
