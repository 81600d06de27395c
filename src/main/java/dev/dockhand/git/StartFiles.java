package dev.dockhand.git;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
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
 * devcontainer.json, the lockfiles that key a cached environment). Only regular files are read
 * (never a link, whatever it points at), each cut at a byte cap. Stateless.
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

  /**
   * Every regular file whose name (its last path segment) {@code name} accepts, by path, each cut
   * at {@code maxBytes + 1} bytes; at most {@code maxFiles} of them, the first by path order.
   */
  static SortedMap<String, byte[]> matching(
      Repository repository, ObjectId commit, Predicate<String> name, int maxFiles, int maxBytes)
      throws IOException {
    SortedMap<String, byte[]> found = new TreeMap<>();
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(reader);
        TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(walk.parseCommit(commit).getTree());
      tree.setRecursive(true);
      while (tree.next() && found.size() < maxFiles) {
        FileMode mode = tree.getFileMode(0);
        if ((mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE)
            && name.test(tree.getNameString())) {
          found.put(tree.getPathString(), bounded(reader.open(tree.getObjectId(0)), maxBytes + 1));
        }
      }
    }
    return found;
  }

  private static byte[] bounded(ObjectLoader loader, int max) throws IOException {
    try (InputStream in = loader.openStream()) {
      return in.readNBytes(max);
    }
  }
}
