package dev.dockhand.run;

import dev.dockhand.queue.TaskContext;
import java.time.Clock;
import java.util.function.Supplier;

/** Runs one phase of an attempt and records how long it took in the task's timings. */
final class Timed {
  private Timed() {}

  static <T> T phase(TaskContext context, Clock clock, String phase, Supplier<T> work) {
    long start = clock.millis();
    try {
      return work.get();
    } finally {
      context.timing(phase, clock.millis() - start);
    }
  }
}
