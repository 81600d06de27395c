package dev.dockhand.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.NotFoundException;
import dev.dockhand.agent.AgentLimitException;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventLog;
import dev.dockhand.queue.ActiveLimitReachedException;
import dev.dockhand.queue.NewTask;
import dev.dockhand.queue.Page;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.queue.TaskStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** {@code /api/v1/tasks…}: submit, list, inspect, cancel, follow up, diff and events. */
final class TaskRoutes {
  private static final String TASK = "/api/v1/tasks/{id}";

  /** Ids are ours; anything longer or stranger cannot exist, so skip the lookup. */
  private static final int MAX_ID = 100;

  private final Authentication authentication;
  private final TaskQueue queue;
  private final EventLog log;
  private final TaskSubmission submission;
  private final SubmitLimiter limiter;
  private final WebLimits limits;
  private final SseStream sse;

  TaskRoutes(
      Authentication authentication,
      TaskQueue queue,
      EventLog log,
      TaskSubmission submission,
      SubmitLimiter limiter,
      WebLimits limits,
      SseStream sse) {
    this.authentication = authentication;
    this.queue = queue;
    this.log = log;
    this.submission = submission;
    this.limiter = limiter;
    this.limits = limits;
    this.sse = sse;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/v1/tasks", this::submit);
    routes.get("/api/v1/tasks", this::list);
    routes.get(TASK, ctx -> ctx.json(TaskView.of(readable(ctx))));
    routes.post(TASK + "/cancel", this::cancel);
    routes.post(TASK + "/messages", this::message);
    routes.get(TASK + "/diff", this::diff);
    routes.get(TASK + "/events", this::events);
    routes.get(TASK + "/events/stream", ctx -> sse.stream(ctx, readable(ctx).id()));
  }

  private void submit(Context ctx) {
    Caller caller = authentication.require(ctx);
    NewTask task = submission.parse(caller.userId(), JsonBody.read(ctx, limits.maxBodyBytes()));
    Optional<String> idempotencyKey = idempotencyKey(ctx);
    admit(caller.userId());
    ctx.status(201).json(TaskView.of(queueing(() -> queue.submit(task, idempotencyKey))));
  }

  /**
   * A write that may queue a task, refused with 429 when the person has reached the active-task cap
   * (the queue counts it in the write's own transaction).
   */
  private static <T> T queueing(Supplier<T> write) {
    try {
      return write.get();
    } catch (ActiveLimitReachedException reached) {
      throw ApiException.rateLimited(
          "you have " + reached.limit() + " tasks queued or running; wait for one to finish",
          Duration.ofSeconds(30));
    }
  }

  /**
   * The per-person limits a submit and a follow-up both pass: the shared rate and the daily and
   * monthly spend limits.
   */
  private void admit(long userId) {
    limiter.acquire(userId);
    queue
        .spend()
        .limitReached(userId)
        .ifPresent(
            reached -> {
              throw new ApiException(
                  429,
                  AgentLimitException.USER_BUDGET_EXCEEDED,
                  "you have reached your " + reached.describe(),
                  Optional.of(reached.retryAfter()));
            });
  }

  private static Optional<String> idempotencyKey(Context ctx) {
    String key = ctx.header("Idempotency-Key");
    if (key == null) {
      return Optional.empty();
    }
    if (key.isBlank() || key.length() > 200 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidInputException(
          "Idempotency-Key", "Idempotency-Key must be 1-200 visible ASCII characters");
    }
    return Optional.of(key);
  }

  private void list(Context ctx) {
    Caller caller = authentication.require(ctx);
    Page<Task> page =
        queue.list(
            caller.userId(), statusParam(ctx), intParam(ctx, "limit", 20, 1, 100), cursor(ctx));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("items", Json.MAPPER.valueToTree(page.items().stream().map(TaskView::of).toList()));
    page.nextCursor().ifPresent(next -> body.put("nextCursor", next));
    ctx.json(body);
  }

  static Optional<TaskStatus> statusParam(Context ctx) {
    return Optional.ofNullable(ctx.queryParam("status")).map(TaskRoutes::status);
  }

  static Optional<String> cursor(Context ctx) {
    Optional<String> cursor =
        Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isEmpty());
    if (cursor.isPresent() && cursor.get().length() > 500) {
      throw new InvalidInputException("cursor", "cursor is not one this server gave out");
    }
    return cursor;
  }

  private static TaskStatus status(String wire) {
    return Arrays.stream(TaskStatus.values())
        .filter(status -> status.wire().equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "status",
                    "status must be one of "
                        + Arrays.stream(TaskStatus.values()).map(TaskStatus::wire).toList()));
  }

  private void cancel(Context ctx) {
    Task task = owned(ctx);
    queue.cancel(task.id());
    ctx.status(202).json(TaskView.of(queue.get(task.id()).orElse(task)));
  }

  private void message(Context ctx) {
    Task task = owned(ctx);
    String content = JsonBody.read(ctx, limits.maxBodyBytes()).requiredText("content");
    if (content.isBlank() || content.length() > limits.maxPromptChars()) {
      throw new InvalidInputException(
          "content", "content must be 1-" + limits.maxPromptChars() + " characters");
    }
    Optional<String> idempotencyKey = idempotencyKey(ctx);
    admit(authentication.require(ctx).userId());
    // The app's offline outbox resends with the same key; the message is stored once. A message to
    // a finished task queues it again.
    queueing(
        () -> {
          queue.postMessage(task.id(), content, idempotencyKey);
          return null;
        });
    ctx.status(202).json(TaskView.of(queue.get(task.id()).orElse(task)));
  }

  /** A task without changes (or not finished) has an empty diff. */
  private void diff(Context ctx) {
    Task task = readable(ctx);
    ctx.contentType("text/x-diff; charset=utf-8").result(queue.diff(task.id()).orElse(""));
  }

  private void events(Context ctx) {
    Task task = readable(ctx);
    long after = longParam(ctx, "after", 0);
    int limit = intParam(ctx, "limit", 100, 1, 1000);
    List<Event> events = log.page(task.id(), after, limit);
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    events.forEach(event -> Frames.eventFields(items.addObject(), event));
    if (events.size() == limit) {
      body.put("nextAfter", events.getLast().seq());
    }
    ctx.json(body);
  }

  /**
   * The caller's task named in the path, to change; another user's task is "not found", like a
   * missing one, even for an admin.
   */
  private Task owned(Context ctx) {
    Caller caller = authentication.require(ctx);
    return task(ctx, task -> task.userId() == caller.userId());
  }

  /** The task named in the path, to read: the caller's own, or anyone's for an admin. */
  private Task readable(Context ctx) {
    Caller caller = authentication.require(ctx);
    return task(ctx, task -> caller.admin() || task.userId() == caller.userId());
  }

  private Task task(Context ctx, Predicate<Task> visible) {
    String id = ctx.pathParam("id");
    if (id.isEmpty() || id.length() > MAX_ID) {
      throw new NotFoundException("task", "(invalid id)");
    }
    return queue.get(id).filter(visible).orElseThrow(() -> new NotFoundException("task", id));
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    long value = longParam(ctx, name, fallback);
    if (value < min || value > max) {
      throw new InvalidInputException(name, name + " must be between " + min + " and " + max);
    }
    return (int) value;
  }

  private static long longParam(Context ctx, String name, long fallback) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Falls through to the error below.
    }
    throw new InvalidInputException(name, name + " must be a whole number, 0 or more");
  }
}
