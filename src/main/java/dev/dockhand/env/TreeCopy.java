package dev.dockhand.env;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Copies a tree the task's container wrote (hostile: the repository's setup ran there as the
 * sandbox user) into a cache entry being built. Nothing in it is followed: each directory is opened
 * relative to its parent's descriptor with O_NOFOLLOW and each file likewise, so a link, wherever
 * it points and whenever it was swapped in, is copied as a link (its text) or not at all, and
 * nothing outside the tree is ever read. Only directories, regular files and links are kept;
 * devices, FIFOs and sockets are skipped; permission bits are kept but setuid, setgid and sticky
 * bits, extended attributes (file capabilities among them) and hard links are not; every copy
 * belongs to the sandbox user. Modification times are kept, since build tools compare them. Paths
 * the base commit tracks are left out. The container should be frozen meanwhile (the copy is safe
 * either way, but a file swapped for a FIFO mid-walk would stall it). One use per tree; not
 * thread-safe.
 */
final class TreeCopy {
  /** Deeper than any dependency tree; a deeper one is someone's trick, and not worth keeping. */
  static final int MAX_DEPTH = 128;

  static final long BLOCK = 4096;

  /** The tree is past what may be kept; the save is given up. */
  static final class TooLarge extends IOException {
    TooLarge(String why) {
      super(why);
    }
  }

  private final Set<String> skipped;
  private final Set<String> holdsSkipped;
  private final long maxBytes;
  private final int uid;
  private final int gid;
  private long bytes;

  /**
   * @param skipped '/'-separated paths, relative to the tree, left out with all they hold
   * @param maxBytes the most the copies may take, counted in whole blocks, directories included
   */
  TreeCopy(Set<String> skipped, long maxBytes, int uid, int gid) {
    this.skipped = skipped;
    this.holdsSkipped = parents(skipped);
    this.maxBytes = maxBytes;
    this.uid = uid;
    this.gid = gid;
  }

  /** Copies what is below {@code source} into the new directory {@code target}. */
  void copy(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("not a directory: " + source);
    }
    try (DirectoryStream<Path> top = Files.newDirectoryStream(source)) {
      if (!(top instanceof SecureDirectoryStream<Path> secure)) {
        throw new IOException("this platform cannot walk a tree without following links");
      }
      PosixFileAttributes attributes =
          Files.readAttributes(source, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Files.createDirectory(target);
      count(BLOCK);
      copyDirectory(secure, "", target, 1);
      finish(target, attributes);
    }
  }

  /** Space the copies take so far. */
  long bytes() {
    return bytes;
  }

  private void copyDirectory(SecureDirectoryStream<Path> dir, String path, Path target, int depth)
      throws IOException {
    for (Path entry : dir) {
      Path name = entry.getFileName();
      String relative = path.isEmpty() ? name.toString() : path + "/" + name;
      if (skipped.contains(relative)) {
        continue;
      }
      PosixFileAttributes attributes =
          dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
      Path copy = target.resolve(name);
      if (attributes.isDirectory()) {
        if (depth == MAX_DEPTH) {
          throw new TooLarge("the tree is more than " + MAX_DEPTH + " directories deep");
        }
        Files.createDirectory(copy);
        count(BLOCK);
        try (SecureDirectoryStream<Path> child =
            dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
          copyDirectory(child, relative, copy, depth + 1);
        }
        if (holdsSkipped.contains(relative) && deleteIfEmpty(copy)) {
          continue;
        }
        finish(copy, attributes);
      } else if (attributes.isRegularFile()) {
        count((attributes.size() + BLOCK - 1) / BLOCK * BLOCK);
        copyFile(dir, name, attributes.size(), copy);
        finish(copy, attributes);
      } else if (attributes.isSymbolicLink()) {
        copyLink(entry, attributes, copy);
      }
      // Devices, FIFOs and sockets: nothing a later task needs, and none is safe to keep.
    }
  }

  private static void copyFile(SecureDirectoryStream<Path> dir, Path name, long size, Path copy)
      throws IOException {
    try (SeekableByteChannel in =
            dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        FileChannel out =
            FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      if (!(in instanceof FileChannel file)) {
        throw new IOException("this platform opens no file channel relative to a directory");
      }
      // At most the size counted: a file still growing cannot overrun the budget.
      for (long done = 0; done < size; ) {
        long moved = file.transferTo(done, size - done, out);
        if (moved <= 0) {
          break;
        }
        done += moved;
      }
    }
  }

  /**
   * A link's text is read by path (the JDK has no readlinkat), so the link read is checked to be
   * the one the walk found through its parent's descriptor; a parent swapped meanwhile gives up.
   */
  private void copyLink(Path entry, PosixFileAttributes found, Path copy) throws IOException {
    Path text = Files.readSymbolicLink(entry);
    Object read =
        Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    if (!found.fileKey().equals(read)) {
      throw new IOException("the tree changed while it was saved");
    }
    Files.createSymbolicLink(copy, text);
    Files.setAttribute(copy, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(copy, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** Owner, permission bits (never setuid, setgid or sticky: they are not among them), time. */
  private void finish(Path copy, PosixFileAttributes attributes) throws IOException {
    Files.setAttribute(copy, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(copy, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(copy, attributes.permissions());
    Files.getFileAttributeView(copy, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(attributes.lastModifiedTime(), null, null);
  }

  private void count(long more) throws TooLarge {
    bytes += more;
    if (bytes > maxBytes) {
      throw new TooLarge("the environment is larger than " + (maxBytes >> 20) + " MiB");
    }
  }

  /** Removes {@code dir} if empty: a directory kept only for the tracked files it holds. */
  private static boolean deleteIfEmpty(Path dir) throws IOException {
    try {
      Files.delete(dir);
      return true;
    } catch (DirectoryNotEmptyException e) {
      return false;
    }
  }

  private static Set<String> parents(Set<String> paths) {
    Set<String> parents = new HashSet<>();
    for (String path : paths) {
      for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
        parents.add(path.substring(0, slash));
      }
    }
    return parents;
  }
}
