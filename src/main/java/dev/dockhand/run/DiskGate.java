package dev.dockhand.run;

import dev.dockhand.queue.ClaimGate;
import dev.dockhand.sandbox.TaskDiskRoom;
import dev.dockhand.sandbox.TaskDisks;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims only as many tasks as the data disk has room for, counting what the open task disks may
 * still grow to (their images are sparse), and says so in the log when it holds claiming back and
 * when it lets go. Thread-safe.
 */
public final class DiskGate implements ClaimGate {
  private static final Logger log = LoggerFactory.getLogger(DiskGate.class);
  private final TaskDisks disks;
  private final AtomicBoolean holding = new AtomicBoolean();

  public DiskGate(TaskDisks disks) {
    this.disks = disks;
  }

  @Override
  public int admit(int wanted) {
    TaskDiskRoom room = disks.room();
    long spare = room.freeBytes() - room.promisedBytes() - room.marginBytes();
    long fits = room.neededBytes() == 0 ? (spare >= 0 ? wanted : 0) : spare / room.neededBytes();
    int admitted = (int) Math.max(0, Math.min(wanted, fits));
    if (admitted == 0 && holding.compareAndSet(false, true)) {
      log.warn("not claiming tasks: {}", room.sentence());
    } else if (admitted > 0 && holding.compareAndSet(true, false)) {
      log.info("claiming tasks again: {}", room.sentence());
    }
    return admitted;
  }
}
