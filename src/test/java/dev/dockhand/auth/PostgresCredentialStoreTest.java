package dev.dockhand.auth;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

@Tag("postgres")
class PostgresCredentialStoreTest extends CredentialStoreContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.freshPostgresUrl();
  }
}
