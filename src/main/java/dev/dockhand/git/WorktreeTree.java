package dev.dockhand.git;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Builds a git tree from a worktree's files alone, into the host's repository, the way {@code git
 * add -A} would see them but without reading anything git keeps beside them. The walk follows no
 * link: every entry is examined with {@code lstat}, files are opened with {@code O_NOFOLLOW}, a
 * symbolic link is committed as a link (its target text, never what it points at), and every entry
 * named {@code .git} (any case, file or directory, at any depth) is skipped along with all it
 * holds. FIFOs, sockets and devices are skipped. A file with more than one name (a hard link) is
 * refused: its other name could be outside the workspace, and nothing here can tell. Ignore rules
 * come from the worktree's {@code .gitignore} files, but what the base tree tracks stays tracked. A
 * directory that the base tracks as a submodule keeps its recorded commit. The container must be
 * gone before this runs, so nothing changes under the walk. Not thread-safe: one use per commit.
 */
final class WorktreeTree {
  private static final int TYPE_MASK = 0170000;
  private static final int TYPE_FILE = 0100000;
  private static final int TYPE_DIRECTORY = 0040000;
  private static final int TYPE_LINK = 0120000;
  private static final int OWNER_EXECUTE = 0100;

  private enum Kind {
    DIRECTORY,
    FILE,
    LINK,
    SPECIAL
  }

  private record Entry(String name, byte[] rawName, Kind kind, int mode, long size, int links) {}

  private record Tracked(FileMode mode, ObjectId id) {
    boolean isTree() {
      return mode == FileMode.TREE;
    }

    boolean isSubmodule() {
      return mode == FileMode.GITLINK;
    }
  }

  private final WorkspaceLimits limits;
  private final ObjectInserter inserter;
  private final ObjectReader reader;
  private long entries;
  private long bytes;

  private WorktreeTree(WorkspaceLimits limits, ObjectInserter inserter, ObjectReader reader) {
    this.limits = limits;
    this.inserter = inserter;
    this.reader = reader;
  }

  /** The tree of {@code workTree}'s files; {@code baseTree} says what was tracked. */
  static ObjectId build(
      Path workTree,
      AnyObjectId baseTree,
      ObjectInserter inserter,
      ObjectReader reader,
      WorkspaceLimits limits)
      throws IOException {
    if (!Files.isDirectory(workTree, LinkOption.NOFOLLOW_LINKS)) {
      throw GitException.workspace("the worktree is not a directory");
    }
    WorktreeTree builder = new WorktreeTree(limits, inserter, reader);
    Optional<ObjectId> tree =
        builder.directory(workTree, "", 0, baseTree.toObjectId(), IgnoreRules.NONE, false);
    return tree.isPresent() ? tree.get() : inserter.insert(new TreeFormatter());
  }

  /**
   * One directory's tree, or empty when nothing in it is committed (git keeps no empty tree).
   * Recursion is bounded by {@link WorkspaceLimits#maxDepth()}, checked before each descent.
   *
   * @param prefix the directory's path in the worktree, empty or ending in '/'
   * @param base what the base tracked here, or null
   * @param ignored whether this directory itself is ignored (then only tracked paths count)
   */
  private Optional<ObjectId> directory(
      Path dir, String prefix, int depth, ObjectId base, IgnoreRules rules, boolean ignored)
      throws IOException {
    Map<String, Tracked> tracked = tracked(base);
    IgnoreRules here = ignored ? rules : rules.with(dir, prefix);
    List<Entry> listing = list(dir, prefix, tracked);
    TreeFormatter tree = new TreeFormatter();
    int committed = 0;
    for (Entry entry : listing) {
      String path = prefix + entry.name();
      Tracked was = tracked.get(entry.name());
      switch (entry.kind()) {
        case DIRECTORY -> {
          if (was != null && was.isSubmodule()) {
            tree.append(entry.rawName(), FileMode.GITLINK, was.id());
            committed++;
            continue;
          }
          ObjectId wasTree = was != null && was.isTree() ? was.id() : null;
          boolean skip = ignored || here.ignores(path, true);
          if (skip && wasTree == null) {
            continue;
          }
          if (depth + 1 > limits.maxDepth()) {
            throw GitException.workspace(
                "the worktree is more than "
                    + limits.maxDepth()
                    + " directories deep (at "
                    + WorktreeNames.printable(path)
                    + ")");
          }
          Optional<ObjectId> sub =
              directory(dir.resolve(entry.name()), path + "/", depth + 1, wasTree, here, skip);
          if (sub.isPresent()) {
            tree.append(entry.rawName(), FileMode.TREE, sub.get());
            committed++;
          }
        }
        case FILE, LINK -> {
          boolean wasFile = was != null && !was.isTree() && !was.isSubmodule();
          if (!wasFile && (ignored || here.ignores(path, false))) {
            continue;
          }
          tree.append(entry.rawName(), modeOf(entry), blob(dir.resolve(entry.name()), path, entry));
          committed++;
        }
        case SPECIAL -> {}
      }
    }
    return committed == 0 ? Optional.empty() : Optional.of(inserter.insert(tree));
  }

  /** The directory's entries, examined without following links, in git's tree order. */
  private List<Entry> list(Path dir, String prefix, Map<String, Tracked> tracked)
      throws IOException {
    List<Entry> listing = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.equalsIgnoreCase(Constants.DOT_GIT)) {
          continue;
        }
        if (++entries > limits.maxEntries()) {
          throw GitException.workspace(
              "the worktree holds more than " + limits.maxEntries() + " files and directories");
        }
        if (name.indexOf('\uFFFD') >= 0) {
          throw GitException.workspace(
              "the name " + WorktreeNames.printable(prefix + name) + " is not valid UTF-8 text");
        }
        String path = prefix + name;
        if (path.getBytes(StandardCharsets.UTF_8).length > limits.maxPathBytes()) {
          throw pathTooLong(path);
        }
        listing.add(examine(child, name, path));
      }
    }
    listing.sort(
        (one, other) ->
            WorktreeNames.compare(
                one.rawName(),
                sortsAsTree(one, tracked),
                other.rawName(),
                sortsAsTree(other, tracked)));
    return listing;
  }

  private Entry examine(Path child, String name, String path) throws IOException {
    Map<String, Object> attributes;
    try {
      attributes = Files.readAttributes(child, "unix:mode,nlink,size", LinkOption.NOFOLLOW_LINKS);
    } catch (FileSystemException e) {
      if (e.getMessage() != null && e.getMessage().contains("File name too long")) {
        throw pathTooLong(path);
      }
      throw e;
    }
    int mode = (Integer) attributes.get("mode");
    Kind kind =
        switch (mode & TYPE_MASK) {
          case TYPE_DIRECTORY -> Kind.DIRECTORY;
          case TYPE_FILE -> Kind.FILE;
          case TYPE_LINK -> Kind.LINK;
          default -> Kind.SPECIAL;
        };
    return new Entry(
        name,
        name.getBytes(StandardCharsets.UTF_8),
        kind,
        mode,
        (Long) attributes.get("size"),
        (Integer) attributes.get("nlink"));
  }

  private ObjectId blob(Path file, String path, Entry entry) throws IOException {
    if (entry.links() > 1) {
      throw GitException.workspace(
          WorktreeNames.printable(path)
              + " has "
              + entry.links()
              + " names (a hard link); Dockhand commits only files with one name, since"
              + " another name could be outside the workspace");
    }
    if (entry.kind() == Kind.LINK) {
      byte[] target = Files.readSymbolicLink(file).toString().getBytes(StandardCharsets.UTF_8);
      if (target.length > limits.maxPathBytes()) {
        throw pathTooLong(path + " -> " + new String(target, StandardCharsets.UTF_8));
      }
      count(path, target.length);
      return inserter.insert(Constants.OBJ_BLOB, target);
    }
    if (entry.size() > limits.maxFileBytes()) {
      throw GitException.workspace(
          WorktreeNames.printable(path)
              + " is "
              + entry.size()
              + " bytes, more than the "
              + limits.maxFileBytes()
              + " a file may have");
    }
    count(path, entry.size());
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return inserter.insert(Constants.OBJ_BLOB, entry.size(), in);
    }
  }

  private void count(String path, long size) {
    bytes += size;
    if (bytes > limits.maxTotalBytes()) {
      throw GitException.workspace(
          "the worktree's files add up to more than "
              + limits.maxTotalBytes()
              + " bytes (at "
              + WorktreeNames.printable(path)
              + ")");
    }
  }

  /** What the base commit had directly in this directory, by name. */
  private Map<String, Tracked> tracked(ObjectId tree) throws IOException {
    Map<String, Tracked> tracked = new HashMap<>();
    if (tree == null) {
      return tracked;
    }
    CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, tree);
    for (; !parser.eof(); parser.next()) {
      tracked.put(
          parser.getEntryPathString(),
          new Tracked(parser.getEntryFileMode(), parser.getEntryObjectId()));
    }
    return tracked;
  }

  private GitException pathTooLong(String path) {
    return GitException.workspace(
        "the path "
            + WorktreeNames.printable(path)
            + " is longer than "
            + limits.maxPathBytes()
            + " bytes");
  }

  private static FileMode modeOf(Entry entry) {
    if (entry.kind() == Kind.LINK) {
      return FileMode.SYMLINK;
    }
    return (entry.mode() & OWNER_EXECUTE) != 0 ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
  }

  /** A submodule is recorded as a commit, and sorts as a file does. */
  private static boolean sortsAsTree(Entry entry, Map<String, Tracked> tracked) {
    Tracked was = tracked.get(entry.name());
    return entry.kind() == Kind.DIRECTORY && (was == null || !was.isSubmodule());
  }
}
