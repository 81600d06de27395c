package dev.dockhand.git;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Files of the commit a task starts from, read out of the host's own object database, never from
 * the work tree the container writes: what the coordinator needs to know before the agent runs (a
 * devcontainer.json, the lockfiles that key a cached environment, what says how to run its checks).
 * Only regular files are read or listed (never a link, whatever it points at), each cut at a byte
 * cap. Stateless.
 */
final class StartFiles {
  private StartFiles() {}

  /** The file at {@code path}, at most {@code maxBytes + 1} bytes of it (so "too big" shows). */
  static Optional<byte[]> read(Repository repository, ObjectId commit, String path, int maxBytes)
      throws IOException {
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(reader);
        TreeWalk tree = TreeWalk.forPath(reader, path, walk.parseCommit(commit).getTree())) {
      if (tree == null
          || tree.getFileMode(0) != FileMode.REGULAR_FILE
              && tree.getFileMode(0) != FileMode.EXECUTABLE_FILE) {
        return Optional.empty();
      }
      return Optional.of(bounded(reader.open(tree.getObjectId(0)), maxBytes + 1));
    }
  }

  private static byte[] bounded(ObjectLoader loader, int max) throws IOException {
    try (InputStream in = loader.openStream()) {
      return in.readNBytes(max);
    }
  }

  /**
   * The names of the regular files directly in directory {@code path} (the root is {@code ""}), at
   * most {@code max} of them; empty when there is no such directory.
   */
  static List<String> list(Repository repository, ObjectId commit, String path, int max)
      throws IOException {
    List<String> names = new ArrayList<>();
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      ObjectId tree = walk.parseCommit(commit).getTree();
      if (!path.isEmpty()) {
        try (TreeWalk dir = TreeWalk.forPath(reader, path, tree)) {
          if (dir == null || dir.getFileMode(0) != FileMode.TREE) {
            return names;
          }
          tree = dir.getObjectId(0);
        }
      }
      try (TreeWalk entries = new TreeWalk(reader)) {
        entries.addTree(tree);
        while (names.size() < max && entries.next()) {
          FileMode mode = entries.getFileMode(0);
          if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
            names.add(entries.getNameString());
          }
        }
      }
    }
    return names;
  }
}
