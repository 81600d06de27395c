package dev.dockhand.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * The {@code .gitignore} rules in force in one directory of the worktree: its own file and those of
 * the directories above it, the nearest deciding first, as git does. Only the worktree's {@code
 * .gitignore} files count; nothing from the container's {@code .git} (no {@code info/exclude}, no
 * {@code core.excludesFile}). A {@code .gitignore} that is a link is not read, as git does not
 * follow one either. Immutable.
 */
final class IgnoreRules {
  static final IgnoreRules NONE = new IgnoreRules(List.of());

  /** Bigger than any real {@code .gitignore}; the cap keeps a hostile one from filling memory. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private record Level(String prefix, IgnoreNode node) {}

  private final List<Level> levels;

  private IgnoreRules(List<Level> levels) {
    this.levels = levels;
  }

  /**
   * These rules plus those of {@code dir}'s own {@code .gitignore}, if it has one.
   *
   * @param prefix {@code dir}'s path in the worktree, empty or ending in '/'
   */
  IgnoreRules with(Path dir, String prefix) throws IOException {
    Path file = dir.resolve(".gitignore");
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return this;
    }
    if (!attributes.isRegularFile()) {
      return this;
    }
    if (attributes.size() > MAX_FILE_BYTES) {
      throw GitException.workspace(
          WorktreeNames.printable(prefix + ".gitignore")
              + " is larger than "
              + MAX_FILE_BYTES
              + " bytes, more than Dockhand reads for ignore rules");
    }
    byte[] rules;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      rules = in.readNBytes(MAX_FILE_BYTES);
    }
    IgnoreNode node = new IgnoreNode();
    node.parse(prefix + ".gitignore", new ByteArrayInputStream(rules));
    List<Level> more = new ArrayList<>(levels);
    more.add(new Level(prefix, node));
    return new IgnoreRules(List.copyOf(more));
  }

  /** Whether {@code path} (relative to the worktree) is ignored, deciding on its own name. */
  boolean ignores(String path, boolean directory) {
    for (int i = levels.size() - 1; i >= 0; i--) {
      Level level = levels.get(i);
      Boolean ignored =
          level.node().checkIgnored(path.substring(level.prefix().length()), directory);
      if (ignored != null) {
        return ignored;
      }
    }
    return false;
  }
}
