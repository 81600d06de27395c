package dev.dockhand.env;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which cached environments exist, which tasks are using, and which must go: the cache's rules in
 * memory, without a file touched. An entry in use is pinned and is never deleted, only doomed
 * (evicted, expired, dropped or replaced), and deleted once its last task lets go; what may be
 * deleted is collected for the caller to delete outside the lock. Thread-safe.
 */
final class CacheIndex {
  /** One entry on disk. Its fields are guarded by the index. */
  static final class Entry {
    final Path dir;
    private EntryMeta meta;
    private int pins;
    private boolean doomed;

    Entry(Path dir, EntryMeta meta) {
      this.dir = dir;
      this.meta = meta;
    }
  }

  private final long maxBytes;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Entry> current = new HashMap<>();
  private final Set<Entry> onDisk = new HashSet<>();
  private final List<Path> deletable = new ArrayList<>();

  CacheIndex(EnvCacheSettings settings, Clock clock) {
    this.maxBytes = settings.maxBytes();
    this.ttl = settings.ttl();
    this.clock = clock;
  }

  /** An entry found on disk at start; of two for one key (a crash mid-replace) the newer stays. */
  synchronized void load(Entry entry) {
    onDisk.add(entry);
    Entry other = current.get(entry.meta.key().hex());
    if (other == null || other.meta.created().isBefore(entry.meta.created())) {
      current.put(entry.meta.key().hex(), entry);
      if (other != null) {
        doom(other);
      }
    } else {
      doom(entry);
    }
  }

  /** Pins the live entry for {@code key} and records its use now; an expired one is doomed. */
  synchronized Optional<Entry> pin(EnvKey key) {
    Entry entry = current.get(key.hex());
    if (entry == null || !entry.meta.key().equals(key)) {
      return Optional.empty();
    }
    if (expired(entry)) {
      doom(entry);
      return Optional.empty();
    }
    entry.pins++;
    entry.meta = entry.meta.withLastUsed(clock.instant());
    return Optional.of(entry);
  }

  synchronized void unpin(Entry entry) {
    entry.pins--;
    if (entry.doomed && entry.pins == 0 && onDisk.remove(entry)) {
      deletable.add(entry.dir);
    }
  }

  /** The record as it stands, for writing while the entry is pinned. */
  synchronized EntryMeta meta(Entry entry) {
    return entry.meta;
  }

  synchronized boolean hasLive(EnvKey key) {
    Entry entry = current.get(key.hex());
    return entry != null && !expired(entry);
  }

  /**
   * Makes a newly saved entry the one for its key, unless another save of that key got there first
   * (then the new one is doomed); then evicts down to the size limit. Returns whether it stayed.
   */
  synchronized boolean publish(Entry entry) {
    onDisk.add(entry);
    Entry old = current.get(entry.meta.key().hex());
    if (old != null && !expired(old)) {
      doom(entry);
      return false;
    }
    if (old != null) {
      doom(old);
    }
    current.put(entry.meta.key().hex(), entry);
    sweep();
    return !entry.doomed;
  }

  /** Dooms every entry of one person for one repository; returns how many. */
  synchronized int drop(long userId, String repo) {
    List<Entry> theirs =
        current.values().stream()
            .filter(entry -> entry.meta.key().userId() == userId)
            .filter(entry -> entry.meta.key().repo().equals(repo))
            .toList();
    theirs.forEach(this::doom);
    return theirs.size();
  }

  /** Dooms expired entries, then the least recently used until the rest fit. Pins hold. */
  synchronized void sweep() {
    current.values().stream().filter(this::expired).toList().forEach(this::doom);
    long total = bytes();
    List<Entry> byLastUse =
        current.values().stream()
            .filter(entry -> entry.pins == 0)
            .sorted(Comparator.comparing(entry -> entry.meta.lastUsed()))
            .toList();
    for (Entry entry : byLastUse) {
      if (total <= maxBytes) {
        break;
      }
      doom(entry);
      total -= entry.meta.sizeBytes();
    }
  }

  /** Directories no entry needs any more; each is handed out once. */
  synchronized List<Path> takeDeletable() {
    List<Path> taken = List.copyOf(deletable);
    deletable.clear();
    return taken;
  }

  /** What all entries on disk take, doomed ones still in use included. */
  synchronized long bytes() {
    return onDisk.stream().mapToLong(entry -> entry.meta.sizeBytes()).sum();
  }

  /** Entries a task may still restore. */
  synchronized int live() {
    return (int) current.values().stream().filter(entry -> !expired(entry)).count();
  }

  private boolean expired(Entry entry) {
    Instant now = clock.instant();
    return !entry.meta.created().plus(ttl).isAfter(now);
  }

  private void doom(Entry entry) {
    current.remove(entry.meta.key().hex(), entry);
    entry.doomed = true;
    if (entry.pins == 0 && onDisk.remove(entry)) {
      deletable.add(entry.dir);
    }
  }
}
