package dev.dockhand.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL database on the server named
 * by {@code DOCKHAND_TEST_PG_URL} (started with scripts/postgres-up.sh when unset).
 */
public final class TestDatabases {
  private static String adminUrl;

  private TestDatabases() {}

  public static String sqliteUrl(Path dir) {
    return "jdbc:sqlite:" + dir.resolve("dockhand.db");
  }

  /** A JDBC URL of a new, empty PostgreSQL database. */
  public static synchronized String freshPostgresUrl() {
    String admin = postgresAdminUrl();
    String name = "dockhand_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = DriverManager.getConnection(admin);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name.toLowerCase(Locale.ROOT));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + redact(admin), e);
    }
    return admin.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
  }

  /** The URL of the test server's own database (the one fresh databases are created from). */
  public static synchronized String postgresAdminUrl() {
    if (adminUrl == null) {
      String fromEnv = System.getenv("DOCKHAND_TEST_PG_URL");
      adminUrl = fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : startPostgres();
      dropLeftovers(adminUrl);
    }
    return adminUrl;
  }

  /**
   * Every test makes its own database; those of earlier runs are dropped once per JVM so the
   * throwaway cluster does not grow without end. One still in use (another suite running at the
   * same time) refuses to drop and is kept.
   */
  private static void dropLeftovers(String admin) {
    try (Connection connection = DriverManager.getConnection(admin);
        Statement statement = connection.createStatement()) {
      List<String> names = new ArrayList<>();
      try (var rows =
          statement.executeQuery(
              "SELECT datname FROM pg_database WHERE datname LIKE 'dockhand\\_t\\_%'")) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
      for (String name : names) {
        try {
          statement.execute("DROP DATABASE " + name);
        } catch (SQLException inUse) {
          // Another suite's database: leave it.
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot list test databases on " + redact(admin), e);
    }
  }

  private static String startPostgres() {
    Path script = Path.of("scripts/postgres-up.sh").toAbsolutePath();
    try {
      Process process =
          new ProcessBuilder("bash", script.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(script + " failed: " + output);
      }
      // The script prints: export DOCKHAND_TEST_PG_URL='jdbc:postgresql://…'
      String[] lines = output.strip().split("\n");
      String last = lines[lines.length - 1].trim();
      return last.substring(last.indexOf("jdbc:")).replace("'", "");
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting PostgreSQL", e);
    }
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }
}
