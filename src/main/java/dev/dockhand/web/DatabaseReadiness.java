package dev.dockhand.web;

import dev.dockhand.store.Database;
import java.util.List;

/** The default readiness: the database answers a trivial query. */
public final class DatabaseReadiness implements Readiness {
  private final Database database;

  public DatabaseReadiness(Database database) {
    this.database = database;
  }

  @Override
  public List<Check> check() {
    try {
      database.jdbi().withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
      return List.of(new Check("database", true, "ok"));
    } catch (RuntimeException e) {
      return List.of(new Check("database", false, "the database does not answer"));
    }
  }
}
