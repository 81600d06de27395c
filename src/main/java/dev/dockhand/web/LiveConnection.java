package dev.dockhand.web;

import dev.dockhand.DockhandException;
import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventLog;
import dev.dockhand.metrics.Metrics;
import dev.dockhand.queue.TaskQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client: its subscriptions and the protocol of DESIGN's "Events and realtime".
 * Messages arrive one at a time (Jetty's order); subscriptions deliver from other threads through
 * the {@link Outbox}. Thread-safe.
 */
final class LiveConnection implements FollowerSink {
  private static final Logger LOG = LoggerFactory.getLogger(LiveConnection.class);

  /** Close code for a client that will not stop flooding. */
  static final int POLICY_VIOLATION = 1008;

  private final Caller caller;
  private final Outbox outbox;
  private final LiveParts parts;
  private final FloodGuard flood;
  private final Map<String, TaskFollower> followers = new HashMap<>();
  private AutoCloseable tasksTopic;
  private boolean closed;
  private int droppedInARow;

  LiveConnection(Caller caller, Outbox outbox, LiveParts parts) {
    this.caller = caller;
    this.outbox = outbox;
    this.parts = parts;
    this.flood =
        new FloodGuard(parts.limits().wsMessagesPerSecond(), parts.limits().wsMessageBurst());
  }

  /** What every connection shares: the store, the hub, the caps. */
  record LiveParts(
      TaskQueue queue, EventLog log, EventHub hub, WebLimits limits, Metrics metrics) {}

  /** Returns a close code when the client must be disconnected, else 0. */
  int onMessage(String text) {
    if (!flood.allow()) {
      // One warning per burst: answering every dropped message would itself be a flood.
      if (droppedInARow++ == 0) {
        outbox.send(Frames.error("rate_limited", "too many messages; slow down"));
      }
      return droppedInARow > parts.limits().wsMessageBurst() * 20 ? POLICY_VIOLATION : 0;
    }
    droppedInARow = 0;
    try {
      handle(ClientMessage.parse(text));
    } catch (DockhandException e) {
      ErrorMapper.Problem problem = ErrorMapper.problem(e);
      outbox.send(Frames.error(problem.code(), problem.message()));
    }
    return 0;
  }

  long userId() {
    return caller.userId();
  }

  // Every message here only reads, so a read-scoped token may send them all; a message that
  // changes state must check caller.scope() first.
  private void handle(ClientMessage message) {
    switch (message) {
      case ClientMessage.Ping ping -> outbox.send(Frames.pong());
      case ClientMessage.Subscribe subscribe -> subscribe(subscribe.taskId(), subscribe.after());
      case ClientMessage.Unsubscribe unsubscribe -> unsubscribe(unsubscribe.taskId());
      case ClientMessage.SubscribeTasks topic -> subscribeTasks();
      case ClientMessage.UnsubscribeTasks topic -> unsubscribeTasks();
    }
  }

  private synchronized void subscribe(String taskId, long after) {
    if (closed) {
      return;
    }
    TaskFollower previous = followers.remove(taskId);
    if (previous != null) {
      previous.close();
    }
    if (followers.size() >= parts.limits().maxSubscriptions()) {
      outbox.send(Frames.error("too_many_subscriptions", "unsubscribe from a task first"));
      return;
    }
    TaskFollower follower =
        new TaskFollower(
            parts.log(), parts.hub(), taskId, this, parts.limits().outboundMaxFrames());
    followers.put(taskId, follower);
    follower.start(after, () -> owned(follower));
  }

  /**
   * Runs on the follower's thread: the lookup must not hold up this connection's messages. An admin
   * may follow anyone's task; everyone else only their own.
   */
  private boolean owned(TaskFollower follower) {
    String taskId = follower.taskId();
    boolean mine =
        parts
            .queue()
            .get(taskId)
            .filter(task -> caller.admin() || task.userId() == caller.userId())
            .isPresent();
    if (!mine) {
      synchronized (this) {
        followers.remove(taskId, follower);
      }
      outbox.send(Frames.error("not_found", "task " + taskId + " not found"));
    }
    return mine;
  }

  private synchronized void unsubscribe(String taskId) {
    TaskFollower follower = followers.remove(taskId);
    if (follower != null) {
      follower.close();
    }
  }

  private synchronized void subscribeTasks() {
    if (closed || tasksTopic != null) {
      return;
    }
    tasksTopic =
        parts.queue().taskHub().subscribe(caller.userId(), task -> outbox.send(Frames.task(task)));
  }

  private synchronized void unsubscribeTasks() {
    closeQuietly(tasksTopic);
    tasksTopic = null;
  }

  /** The socket is gone: end every subscription. */
  void close() {
    List<AutoCloseable> open = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open.addAll(followers.values());
      followers.clear();
      if (tasksTopic != null) {
        open.add(tasksTopic);
      }
      tasksTopic = null;
    }
    outbox.closed();
    open.forEach(LiveConnection::closeQuietly);
  }

  @Override
  public void event(Event event) {
    if (outbox.send(Frames.event(event))) {
      parts.metrics().wsSent();
    }
  }

  @Override
  public void delta(String taskId, DeltaStream stream, String text) {
    if (outbox.send(Frames.delta(taskId, stream, text))) {
      parts.metrics().wsSent();
    }
  }

  @Override
  public boolean awaitRoom() throws InterruptedException {
    return outbox.awaitRoom();
  }

  @Override
  public void failed(TaskFollower follower, RuntimeException failure) {
    synchronized (this) {
      followers.remove(follower.taskId(), follower);
    }
    outbox.send(
        Frames.error(
            "unavailable", "following task " + follower.taskId() + " failed; resubscribe later"));
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("closing a subscription failed: {}", e.toString());
    }
  }
}
