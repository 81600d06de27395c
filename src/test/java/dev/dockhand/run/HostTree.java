package dev.dockhand.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a directory on the host holds, examined without following links: every entry's kind, size,
 * modification time and (for files) content hash, or a link's target. Two snapshots are equal
 * exactly when nothing below was created, removed, written or touched. Stateless.
 */
final class HostTree {
  private HostTree() {}

  /** Relative path to a description of the entry; the top itself is "". */
  static Map<String, String> snapshot(Path top) {
    Map<String, String> entries = new TreeMap<>();
    try {
      Files.walkFileTree(
          top,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
              entries.put(top.relativize(dir).toString(), "dir " + attributes.lastModifiedTime());
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              String key = top.relativize(file).toString();
              if (attributes.isSymbolicLink()) {
                entries.put(key, "link -> " + Files.readSymbolicLink(file));
              } else if (attributes.isRegularFile()) {
                entries.put(
                    key,
                    "file "
                        + attributes.size()
                        + " "
                        + attributes.lastModifiedTime()
                        + " "
                        + sha256(Files.readAllBytes(file)));
              } else {
                entries.put(key, "other " + attributes.lastModifiedTime());
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  /** Whether anything, even a dangling link, exists at {@code path}. */
  static boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
