package dev.dockhand.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.ConflictException;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.NotFoundException;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.User;
import dev.dockhand.auth.UserAdmin;
import dev.dockhand.queue.Page;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.queue.TaskStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/admin/…}, for callers of scope admin only (everyone else gets 403): list users,
 * disable and enable them, set their spend limits, and list every user's tasks.
 */
final class AdminRoutes {
  private static final String USER = "/api/v1/admin/users/{id}";

  /** The most a per-user limit may be set to, in US dollars: a typo, not a budget, beyond it. */
  private static final double MAX_BUDGET_USD = 1_000_000;

  private final Auth auth;
  private final UserAdmin users;
  private final TaskQueue queue;
  private final LiveSocket socket;
  private final SseStream sse;
  private final Authentication authentication;
  private final int maxBodyBytes;

  AdminRoutes(
      Authentication authentication,
      Auth auth,
      UserAdmin users,
      TaskQueue queue,
      LiveSocket socket,
      SseStream sse,
      int maxBodyBytes) {
    this.authentication = authentication;
    this.auth = auth;
    this.users = users;
    this.queue = queue;
    this.socket = socket;
    this.sse = sse;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.before("/api/v1/admin/*", this::requireAdmin);
    routes.get("/api/v1/admin/users", this::list);
    routes.post(USER + "/disable", this::disable);
    routes.post(USER + "/enable", this::enable);
    routes.put(USER + "/budget", this::budget);
    routes.get("/api/v1/admin/tasks", this::tasks);
  }

  private void requireAdmin(Context ctx) {
    Caller caller = authentication.require(ctx);
    if (!caller.admin()) {
      throw ApiException.forbidden(
          auth.isAdmin(caller.user())
              ? "the admin routes need a token of scope admin; this one has scope "
                  + caller.scope().wire()
              : "the admin routes are for admins (DOCKHAND_ADMINS)");
    }
  }

  /** {@code ?limit=&cursor=}: users by id; {@code nextCursor} fetches the next page. */
  private void list(Context ctx) {
    int limit = TaskRoutes.intParam(ctx, "limit", 100, 1, UserAdmin.MAX_PAGE);
    UserAdmin.Listing page = users.list(cursor(ctx), limit);
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    page.users().forEach(entry -> items.add(view(entry)));
    page.nextAfter().ifPresent(after -> body.put("nextCursor", Long.toString(after)));
    ctx.json(body);
  }

  private static long cursor(Context ctx) {
    String cursor = ctx.queryParam("cursor");
    if (cursor == null || cursor.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("cursor", "cursor is not one this server gave out");
    }
  }

  private ObjectNode view(UserAdmin.Entry entry) {
    User user = entry.user();
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("id", user.id());
    view.put("login", user.login());
    view.put("name", user.name().orElse(null));
    view.put("avatarUrl", user.avatarUrl().orElse(null));
    view.put("admin", auth.isAdmin(user));
    view.put("local", user.local());
    view.put("disabled", user.disabled());
    entry.disabledAt().ifPresent(at -> view.put("disabledAt", at.toString()));
    view.put("createdAt", entry.createdAt().toString());
    view.put("activeTasks", queue.activeCount(user.id()));
    ObjectNode spend = view.putObject("spend");
    spend.put("todayUsd", entry.spentTodayUsd());
    spend.put("thisMonthUsd", entry.spentThisMonthUsd());
    view.set("budget", budgetView(entry));
    return view;
  }

  private static ObjectNode budgetView(UserAdmin.Entry entry) {
    ObjectNode budget = Json.MAPPER.createObjectNode();
    budget.put("dailyUsd", entry.dailyBudgetUsd().orElse(null));
    budget.put("monthlyUsd", entry.monthlyBudgetUsd().orElse(null));
    return budget;
  }

  /**
   * Ends the user's access at once: sessions deleted, tokens refused, queued and running tasks
   * cancelled, sockets and streams on this node closed. Not oneself, not the local user.
   */
  private void disable(Context ctx) {
    Caller caller = authentication.require(ctx);
    User target = target(ctx);
    if (target.id() == caller.userId()) {
      throw new ConflictException("you cannot disable yourself; ask another admin");
    }
    if (target.local()) {
      throw new ConflictException("the local user cannot be disabled");
    }
    users.disable(target.id());
    cancelActiveTasks(target.id());
    socket.closeUser(target.id());
    sse.closeUser(target.id());
    ctx.status(204);
  }

  private void cancelActiveTasks(long userId) {
    for (TaskStatus status : List.of(TaskStatus.QUEUED, TaskStatus.RUNNING)) {
      Optional<String> cursor = Optional.empty();
      do {
        Page<Task> page = queue.list(userId, Optional.of(status), 100, cursor);
        page.items().forEach(task -> queue.cancel(task.id()));
        cursor = page.nextCursor();
      } while (cursor.isPresent());
    }
  }

  private void enable(Context ctx) {
    users.enable(target(ctx).id());
    ctx.status(204);
  }

  /** {@code {dailyUsd, monthlyUsd}}: each a number of US dollars, or null for the default. */
  private void budget(Context ctx) {
    User target = target(ctx);
    JsonBody request = JsonBody.read(ctx, maxBodyBytes);
    Optional<Double> daily = limit(request, "dailyUsd");
    Optional<Double> monthly = limit(request, "monthlyUsd");
    users.setBudget(target.id(), daily, monthly);
    ctx.json(budgetView(users.find(target.id()).orElseThrow()));
  }

  private static Optional<Double> limit(JsonBody request, String field) {
    Optional<Double> value = request.optionalNumber(field);
    if (value.isPresent() && (value.get() < 0 || value.get() > MAX_BUDGET_USD)) {
      throw new InvalidInputException(
          field,
          field
              + " must be between 0 and "
              + (long) MAX_BUDGET_USD
              + " US dollars, or null for the server's default");
    }
    return value;
  }

  /** {@code ?status=&limit=&cursor=&user=}: every user's tasks, each with its owner's login. */
  private void tasks(Context ctx) {
    Optional<Long> owner = Optional.ofNullable(ctx.queryParam("user")).map(this::userParam);
    Page<Task> page =
        queue.listAcrossUsers(
            owner,
            TaskRoutes.statusParam(ctx),
            TaskRoutes.intParam(ctx, "limit", 20, 1, 100),
            TaskRoutes.cursor(ctx));
    Map<Long, String> logins = new HashMap<>();
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (Task task : page.items()) {
      ObjectNode item = Json.MAPPER.valueToTree(TaskView.of(task));
      ObjectNode ownerView = item.putObject("owner");
      ownerView.put("id", task.userId());
      ownerView.put("login", logins.computeIfAbsent(task.userId(), this::login));
      items.add(item);
    }
    page.nextCursor().ifPresent(next -> body.put("nextCursor", next));
    ctx.json(body);
  }

  private String login(long userId) {
    return auth.users().find(userId).map(User::login).orElse("(deleted)");
  }

  /** A user's id or login. */
  private long userParam(String value) {
    Optional<Long> byLogin = users.idOf(value);
    if (byLogin.isPresent()) {
      return byLogin.get();
    }
    if (value.matches("[0-9]{1,18}") && auth.users().find(Long.parseLong(value)).isPresent()) {
      return Long.parseLong(value);
    }
    throw new InvalidInputException(
        "user", "no user has the id or login '" + abbreviate(value) + "'");
  }

  private User target(Context ctx) {
    String id = ctx.pathParam("id");
    Optional<User> user =
        id.matches("[0-9]{1,18}") ? auth.users().find(Long.parseLong(id)) : Optional.empty();
    return user.orElseThrow(() -> new NotFoundException("user", abbreviate(id)));
  }

  private static String abbreviate(String value) {
    String printable = value.replaceAll("[^A-Za-z0-9_.-]", "?");
    return printable.length() <= 60 ? printable : printable.substring(0, 60);
  }
}
