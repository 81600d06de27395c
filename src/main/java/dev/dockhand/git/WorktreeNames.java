package dev.dockhand.git;

/** How the host-side commit orders and shows the worktree's names. Stateless. */
final class WorktreeNames {
  private static final int PRINTABLE_LIMIT = 160;

  private WorktreeNames() {}

  /** Git's tree order: bytes, with a tree's name compared as if it ended in '/'. */
  static int compare(byte[] one, boolean oneIsTree, byte[] other, boolean otherIsTree) {
    int common = Math.min(one.length, other.length);
    for (int i = 0; i < common; i++) {
      int difference = (one[i] & 0xff) - (other[i] & 0xff);
      if (difference != 0) {
        return difference;
      }
    }
    int next = one.length > common ? one[common] & 0xff : oneIsTree ? '/' : 0;
    int otherNext = other.length > common ? other[common] & 0xff : otherIsTree ? '/' : 0;
    return next - otherNext;
  }

  /** A worktree path as it may appear in a message: no control characters, not too long. */
  static String printable(String path) {
    String clean = path.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= PRINTABLE_LIMIT
        ? clean
        : clean.substring(0, PRINTABLE_LIMIT / 2)
            + "…"
            + clean.substring(clean.length() - PRINTABLE_LIMIT / 2);
  }
}
