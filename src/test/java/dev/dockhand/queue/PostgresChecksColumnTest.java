package dev.dockhand.queue;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

@Tag("postgres")
class PostgresChecksColumnTest extends ChecksColumnContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.freshPostgresUrl();
  }
}
