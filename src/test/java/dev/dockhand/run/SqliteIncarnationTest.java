package dev.dockhand.run;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

class SqliteIncarnationTest extends IncarnationContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
