package dev.dockhand.run;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

@Tag("postgres")
class PostgresIncarnationTest extends IncarnationContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.freshPostgresUrl();
  }
}
