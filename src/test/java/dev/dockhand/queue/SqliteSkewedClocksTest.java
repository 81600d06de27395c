package dev.dockhand.queue;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;

/** On SQLite the database's clock is the JVM's, which both queues of this process share. */
class SqliteSkewedClocksTest extends SkewedClocksContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.sqliteUrl(dir);
  }
}
