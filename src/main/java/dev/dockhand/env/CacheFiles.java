package dev.dockhand.env;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Moving and deleting the cache's own trees; links are moved or deleted, never followed. */
final class CacheFiles {
  private CacheFiles() {}

  /** Moves each entry of {@code from} into {@code to}, one rename each (same filesystem only). */
  static void moveChildren(Path from, Path to) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
      entries.forEach(children::add);
    }
    for (Path child : children) {
      Files.move(child, to.resolve(child.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Deletes {@code top} and all below it; returns whether it is gone. Never throws. */
  static boolean delete(Path top) {
    try {
      if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
      Files.walkFileTree(
          top,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (!(e instanceof NoSuchFileException)) {
                throw e;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
