package dev.dockhand.env;

import dev.dockhand.git.RepoUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Set-up environments kept on the data disk under {@code <dataDir>/env-cache}, one directory per
 * entry: {@code workspace/} and {@code home/} (the trees a setup left, less what git tracks) and
 * the trusted side's {@code meta.properties}. An entry is built in a directory of its own and
 * published by one rename, and never changes afterwards, so tasks can share it read-only; it is
 * bounded by {@link EnvCacheSettings}, evicted least recently used first, never while a task uses
 * it. Keys name the person, so one person's environment is never restored for another. What a crash
 * leaves (half-built or half-deleted entries, entries without a record) is deleted when the cache
 * is made; make it after the task disks' leftovers are cleared. Thread-safe.
 */
public final class EnvironmentCache {
  static final String DIR = "env-cache";
  static final String WORKSPACE = "workspace";
  static final String HOME = "home";
  private static final String BUILDING = ".building-";
  private static final String TRASH = ".trash-";
  private static final Logger log = LoggerFactory.getLogger(EnvironmentCache.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private final Path root;
  private final EnvCacheSettings settings;
  private final Clock clock;
  private final CacheIndex index;
  private final AtomicBoolean overlay;

  /** How one save ended well: what the entry takes, and how long the copy took. */
  public record Saved(long sizeBytes, Duration duration) {}

  public EnvironmentCache(Path dataDir, EnvCacheSettings settings, Clock clock) {
    this(dataDir, settings, clock, true);
  }

  /** With {@code overlay} false, restores copy: the fallback, on hosts that can mount overlays. */
  EnvironmentCache(Path dataDir, EnvCacheSettings settings, Clock clock, boolean overlay) {
    this.root = dataDir.toAbsolutePath().normalize().resolve(DIR);
    this.settings = settings;
    this.clock = clock;
    this.index = new CacheIndex(settings, clock);
    this.overlay = new AtomicBoolean(overlay);
    load();
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Shows the environment cached for {@code key} in the task's {@code workspace} and {@code home},
   * on top of what they already hold (the host's {@code .git}), before the task's container starts.
   * Empty on a miss, when the entry has expired, or when the restore failed (logged): then the task
   * runs its setup.
   *
   * @param scratch a directory on the task's own disk, the filesystem {@code workspace} and {@code
   *     home} are on, that the container never sees: the task's writes land there
   */
  public Optional<Restored> restore(EnvKey key, Path workspace, Path home, Path scratch) {
    if (!enabled()) {
      return Optional.empty();
    }
    Optional<CacheIndex.Entry> pinned = index.pin(key);
    deleteDoomed();
    if (pinned.isEmpty()) {
      return Optional.empty();
    }
    CacheIndex.Entry entry = pinned.get();
    EntryMeta meta = index.meta(entry);
    long start = System.nanoTime();
    try {
      writeQuietly(meta, entry.dir);
      List<Path> mounts = new ArrayList<>();
      Restored.Method method = restoreInto(entry.dir, workspace, home, scratch, mounts);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      return Optional.of(
          new Restored(method, took, meta.sizeBytes(), mounts, () -> release(entry)));
    } catch (IOException | RuntimeException e) {
      log.warn("environment for {} not restored: {}", key.repo(), e.getMessage());
      release(entry);
      return Optional.empty();
    }
  }

  private Restored.Method restoreInto(
      Path entry, Path workspace, Path home, Path scratch, List<Path> mounts) throws IOException {
    List<Path> targets = List.of(workspace, home);
    List<String> parts = List.of(WORKSPACE, HOME);
    if (overlay.get()) {
      try {
        for (int i = 0; i < targets.size(); i++) {
          Restores.mount(
              entry.resolve(parts.get(i)), targets.get(i), scratch.resolve(parts.get(i)));
          mounts.add(targets.get(i));
        }
        return Restored.Method.OVERLAY;
      } catch (Restores.OverlayUnavailable e) {
        for (int i = mounts.size() - 1; i >= 0; i--) {
          Restores.undoMount(targets.get(i), scratch.resolve(parts.get(i)));
        }
        mounts.clear();
        if (overlay.compareAndSet(true, false)) {
          log.warn(
              "overlayfs cannot be mounted ({}); environments are restored by copy",
              e.getMessage());
        }
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      Restores.copy(entry.resolve(parts.get(i)), targets.get(i), scratch.resolve(parts.get(i)));
    }
    return Restored.Method.COPY;
  }

  /**
   * Keeps what a successful setup left in {@code workspace} and {@code home} as the environment for
   * {@code key}. Call it while the task's container is frozen (or gone), before the agent starts.
   * The trees are the container's and hostile: see {@link TreeCopy} for what is kept; the
   * workspace's {@code .git} and every path the base commit tracks are not. Empty, with the reason
   * logged, when the cache is off, already holds the key, or the environment is larger than the
   * whole cache; a partial entry is never left.
   *
   * @param tracked the base commit's paths from the host's own record ({@link BaseTree#tracked})
   * @param uid the sandbox user, who owns every saved file
   */
  public Optional<Saved> save(
      EnvKey key, Path workspace, Path home, Set<String> tracked, int uid, int gid) {
    if (!enabled() || index.hasLive(key)) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    String id = key.hex() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong());
    Path building = root.resolve(BUILDING + id);
    try {
      Files.createDirectory(building, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Set<String> skipped = new HashSet<>(tracked);
      skipped.add(".git");
      TreeCopy saved = new TreeCopy(skipped, settings.maxBytes(), uid, gid);
      saved.copy(workspace, building.resolve(WORKSPACE));
      TreeCopy savedHome = new TreeCopy(Set.of(), settings.maxBytes() - saved.bytes(), uid, gid);
      savedHome.copy(home, building.resolve(HOME));
      EntryMeta meta =
          new EntryMeta(key, saved.bytes() + savedHome.bytes(), clock.instant(), clock.instant());
      meta.write(building);
      Path dir = root.resolve(id);
      Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
      boolean kept = index.publish(new CacheIndex.Entry(dir, meta));
      deleteDoomed();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (!kept) {
        log.info("environment for {} not kept: another was saved meanwhile", key.repo());
        return Optional.empty();
      }
      log.info(
          "environment for {} cached: {} MiB in {} ms",
          key.repo(),
          meta.sizeBytes() >> 20,
          took.toMillis());
      return Optional.of(new Saved(meta.sizeBytes(), took));
    } catch (IOException | RuntimeException e) {
      CacheFiles.delete(building);
      log.info("environment for {} not cached: {}", key.repo(), reason(e));
      return Optional.empty();
    }
  }

  /** Drops every environment of one person for one repository ("Rebuild environment"). */
  public int drop(long userId, RepoUrl repo) {
    int dropped = index.drop(userId, EnvKey.repoName(repo));
    deleteDoomed();
    return dropped;
  }

  /** Deletes expired entries and evicts down to the size limit; saves do this too. */
  public void sweep() {
    index.sweep();
    deleteDoomed();
  }

  /** What the cached environments take on the data disk. */
  public long sizeBytes() {
    return index.bytes();
  }

  /** How many environments a task may restore. */
  public int entries() {
    return index.live();
  }

  private void release(CacheIndex.Entry entry) {
    index.unpin(entry);
    deleteDoomed();
  }

  private void load() {
    try {
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, OWNER_ONLY);
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        entries.forEach(children::add);
      }
      int leftovers = 0;
      for (Path child : children) {
        String name = child.getFileName().toString();
        Optional<EntryMeta> meta = name.startsWith(".") ? Optional.empty() : EntryMeta.read(child);
        if (meta.isPresent() && name.startsWith(meta.get().key().hex() + ".")) {
          index.load(new CacheIndex.Entry(child, meta.get()));
        } else {
          CacheFiles.delete(child);
          leftovers++;
        }
      }
      if (leftovers > 0) {
        log.info("deleted {} leftover(s) of an earlier run from {}", leftovers, root);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the environment cache at " + root, e);
    }
    sweep();
  }

  /** Renamed away first, so a delete cut short never leaves a half entry under a live name. */
  private void deleteDoomed() {
    for (Path dir : index.takeDeletable()) {
      Path trash = root.resolve(TRASH + dir.getFileName());
      try {
        Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        trash = dir;
      }
      if (!CacheFiles.delete(trash)) {
        log.warn("cannot delete cached environment {}; it goes at the next start", trash);
      }
    }
  }

  private static void writeQuietly(EntryMeta meta, Path dir) {
    try {
      meta.write(dir);
    } catch (IOException e) {
      log.warn("cannot record the use of cached environment {}: {}", dir, e.toString());
    }
  }

  /** The container chose the names below the trees: a reason never carries a path. */
  private static String reason(Exception e) {
    if (e instanceof TreeCopy.TooLarge) {
      return e.getMessage();
    }
    String why = e instanceof FileSystemException fs ? fs.getReason() : null;
    return e.getClass().getSimpleName() + (why == null ? "" : " (" + why + ")");
  }
}
