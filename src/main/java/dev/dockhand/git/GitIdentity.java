package dev.dockhand.git;

import org.eclipse.jgit.lib.PersonIdent;

/**
 * A name and e-mail for commits and {@code Co-authored-by} trailers. Characters that would break
 * the header or trailer format (angle brackets, line breaks) are dropped.
 */
public record GitIdentity(String name, String email) {
  /** Who commits a task's changes. */
  public static final GitIdentity AGENT =
      new GitIdentity("Dockhand Agent", "agent@dockhand.invalid");

  public GitIdentity {
    name = clean(name);
    email = clean(email);
    if (name.isEmpty() || email.isEmpty()) {
      throw new IllegalArgumentException("a git identity needs a name and an e-mail");
    }
  }

  /** The trailer line that credits this person as co-author. */
  public String coAuthorTrailer() {
    return "Co-authored-by: " + name + " <" + email + ">";
  }

  PersonIdent toPersonIdent() {
    return new PersonIdent(name, email);
  }

  private static String clean(String value) {
    return value == null ? "" : value.replaceAll("[<>\\p{Cntrl}]", "").strip();
  }
}
