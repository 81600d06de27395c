package dev.dockhand.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.dockhand.Json;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.events.Usage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Reads task rows. Stateless and thread-safe. */
public final class TaskRows {
  /**
   * The columns {@link #MAPPER} reads. Every query that maps a task names them rather than {@code
   * *}: the row also holds the task's diff (as large as the agent's changes), read only by the diff
   * endpoint, which must not travel with every list, claim and state change.
   */
  public static final String COLUMNS =
      "id, user_id, status, attempt, max_attempts, repo, branch, prompt, model, max_turns,"
          + " budget_usd, head_branch, base_commit, commit_sha, pr_url, usage_json, timings_json,"
          + " error_code, error_message, created_at, started_at, finished_at, updated_at,"
          + " run_after, lease_owner, lease_expires_at, egress_allow, checks_json";

  /** {@link #COLUMNS} and {@code last_seq}, what {@link #WITH_SEQ} reads. */
  static final String COLUMNS_WITH_SEQ = COLUMNS + ", last_seq";

  public static final RowMapper<Task> MAPPER = (rs, ctx) -> map(rs);

  /** A task row with the seq of its newest event, for writers that append right after. */
  record WithSeq(Task task, long lastSeq) {}

  static final RowMapper<WithSeq> WITH_SEQ =
      (rs, ctx) -> new WithSeq(map(rs), rs.getLong("last_seq"));
  // Resolved once: resolving a generic type per row showed in the queue's profile.
  private static final JavaType USAGE = Json.MAPPER.getTypeFactory().constructType(Usage.class);
  private static final JavaType TIMINGS =
      Json.MAPPER.getTypeFactory().constructType(new TypeReference<Map<String, Long>>() {});
  private static final JavaType CHECKS =
      Json.MAPPER.getTypeFactory().constructType(ChecksFinished.class);
  private static final JavaType HOSTS =
      Json.MAPPER.getTypeFactory().constructType(new TypeReference<List<String>>() {});

  private TaskRows() {}

  public static Optional<Task> find(Handle handle, String id) {
    return handle
        .select("SELECT " + COLUMNS + " FROM tasks WHERE id = ?", id)
        .map(MAPPER)
        .findOne();
  }

  private static Task map(ResultSet rs) throws SQLException {
    String errorCode = rs.getString("error_code");
    return new Task(
        rs.getString("id"),
        rs.getLong("user_id"),
        TaskStatus.valueOf(rs.getString("status").toUpperCase()),
        rs.getInt("attempt"),
        rs.getInt("max_attempts"),
        rs.getString("repo"),
        Optional.ofNullable(rs.getString("branch")),
        rs.getString("prompt"),
        rs.getString("model"),
        rs.getInt("max_turns"),
        rs.getDouble("budget_usd"),
        read(rs.getString("egress_allow"), HOSTS, List.of()),
        Optional.ofNullable(rs.getString("head_branch")),
        Optional.ofNullable(rs.getString("base_commit")),
        Optional.ofNullable(rs.getString("commit_sha")),
        Optional.ofNullable(rs.getString("pr_url")),
        read(rs.getString("usage_json"), USAGE, Usage.ZERO),
        read(rs.getString("timings_json"), TIMINGS, Map.of()),
        errorCode == null
            ? Optional.empty()
            : Optional.of(new Task.TaskError(errorCode, rs.getString("error_message"))),
        instant(rs, "created_at").orElseThrow(),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        instant(rs, "updated_at").orElseThrow(),
        instant(rs, "run_after").orElseThrow(),
        Optional.ofNullable(rs.getString("lease_owner")),
        instant(rs, "lease_expires_at"),
        Optional.ofNullable(read(rs.getString("checks_json"), CHECKS, null)));
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  private static <T> T read(String json, JavaType type, T fallback) {
    if (json == null) {
      return fallback;
    }
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored task JSON is malformed", e);
    }
  }

  static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
