package dev.dockhand.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * The files a task changed between two commits of the host's repository, with the lines each added
 * and removed: the first {@code max} of them counted, the rest only numbered. A file over {@link
 * CappedDiff#BIG_FILE_BYTES} counts as binary and is never loaded. Stateless.
 *
 * @param files the files counted, in the order git lists them
 * @param total how many files changed in all
 */
public record ChangedFiles(List<FileChange> files, int total) {
  /**
   * One changed file.
   *
   * @param path where it is now (where it was, for a deletion)
   * @param oldPath where it was, for a rename or copy
   * @param binary whether its content was not compared (binary, or too large)
   */
  public record FileChange(
      String path, Optional<String> oldPath, int added, int removed, boolean binary) {}

  public ChangedFiles {
    files = List.copyOf(files);
  }

  static ChangedFiles between(Repository repository, ObjectId from, ObjectId to, int max)
      throws IOException {
    try (RevWalk walk = new RevWalk(repository);
        DiffFormatter formatter = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
      formatter.setRepository(repository);
      formatter.setBinaryFileThreshold(CappedDiff.BIG_FILE_BYTES);
      formatter.setDetectRenames(true);
      formatter.getRenameDetector().setBigFileThreshold(CappedDiff.BIG_FILE_BYTES);
      List<DiffEntry> entries =
          formatter.scan(walk.parseCommit(from).getTree(), walk.parseCommit(to).getTree());
      List<FileChange> files = new ArrayList<>();
      for (DiffEntry entry : entries.subList(0, Math.min(max, entries.size()))) {
        files.add(change(formatter.toFileHeader(entry), entry));
      }
      return new ChangedFiles(files, entries.size());
    }
  }

  private static FileChange change(FileHeader header, DiffEntry entry) {
    int added = 0;
    int removed = 0;
    for (Edit edit : header.toEditList()) {
      added += edit.getLengthB();
      removed += edit.getLengthA();
    }
    boolean deleted = entry.getChangeType() == DiffEntry.ChangeType.DELETE;
    boolean moved =
        entry.getChangeType() == DiffEntry.ChangeType.RENAME
            || entry.getChangeType() == DiffEntry.ChangeType.COPY;
    return new FileChange(
        deleted ? entry.getOldPath() : entry.getNewPath(),
        moved ? Optional.of(entry.getOldPath()) : Optional.empty(),
        added,
        removed,
        header.getPatchType() != FileHeader.PatchType.UNIFIED);
  }
}
