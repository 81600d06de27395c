package dev.dockhand.git;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text quoted as a markdown code block, fenced by more backticks than any run of them inside, so
 * nothing in it (a command's output, the container's or the repository's words) can close the block
 * and be read as markdown. Stateless.
 */
public final class CodeBlock {
  private static final Pattern BACKTICKS = Pattern.compile("`+");

  private CodeBlock() {}

  public static String of(String text) {
    String fence = "`".repeat(Math.max(2, longestRun(text)) + 1);
    return fence + "\n" + text + "\n" + fence;
  }

  /** {@code text} on one line as inline code: control characters shown as spaces. */
  public static String inline(String text) {
    String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
    String fence = "`".repeat(longestRun(line) + 1);
    String pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
    return fence + pad + line + pad + fence;
  }

  private static int longestRun(String text) {
    int longest = 0;
    Matcher run = BACKTICKS.matcher(text);
    while (run.find()) {
      longest = Math.max(longest, run.group().length());
    }
    return longest;
  }
}
