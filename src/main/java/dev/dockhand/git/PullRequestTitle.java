package dev.dockhand.git;

import java.util.regex.Pattern;

/**
 * A pull request's title, from the agent's summary: its first line that says something, its
 * markdown taken off, cut at a word before {@value #LIMIT} characters. A line that only introduces
 * what follows ("Here is what I changed:"), a short heading ("## Summary"), a rule and anything in
 * a code block say nothing. Without such a line, the prompt's first line. Stateless.
 */
final class PullRequestTitle {
  static final int LIMIT = 72;

  private static final Pattern LEADING_MARKERS =
      Pattern.compile("^\\s*(?:#{1,6}\\s+|>\\s*|[-*+]\\s+|\\d{1,3}[.)]\\s+|\\[[ xX]]\\s+)+");
  private static final Pattern IMAGE_OR_LINK = Pattern.compile("!?\\[([^\\]]*)]\\([^)]*\\)");
  private static final Pattern EMPHASIS =
      Pattern.compile("\\*\\*|__|~~|`|(?<!\\w)[*_]|[*_](?!\\w)");
  private static final Pattern WORDS = Pattern.compile("[\\p{L}\\p{N}]");
  private static final Pattern SPACE = Pattern.compile("[\\p{Cntrl}\\s]+");

  private PullRequestTitle() {}

  static String of(String summary, String prompt) {
    boolean inCode = false;
    for (String line : (summary == null ? "" : summary).lines().toList()) {
      if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
        inCode = !inCode;
        continue;
      }
      String text = plain(line);
      boolean heading = line.strip().startsWith("#");
      if (inCode
          || !WORDS.matcher(text).find()
          || text.endsWith(":")
          || heading && words(text) <= 2) {
        continue;
      }
      return cut(text);
    }
    return subject(prompt);
  }

  /** The prompt's first line, tidied and cut; a fixed title for an empty prompt. */
  static String subject(String prompt) {
    String firstLine =
        prompt == null
            ? ""
            : SPACE.matcher(prompt.strip().lines().findFirst().orElse("")).replaceAll(" ").strip();
    return firstLine.isEmpty() ? "Changes made by Dockhand" : cut(firstLine);
  }

  /** The line without its markdown: list and quote markers, emphasis, code marks, link targets. */
  static String plain(String line) {
    String text = LEADING_MARKERS.matcher(line).replaceFirst("");
    text = IMAGE_OR_LINK.matcher(text).replaceAll("$1");
    text = EMPHASIS.matcher(text).replaceAll("");
    text = text.replaceAll("\\s#+\\s*$", ""); // a closing heading marker
    return SPACE.matcher(text).replaceAll(" ").strip();
  }

  /** At most {@value #LIMIT} characters, cut at a space where one is near the end. */
  static String cut(String text) {
    if (text.length() <= LIMIT) {
      return text;
    }
    int end = text.lastIndexOf(' ', LIMIT - 1);
    if (end < LIMIT / 2) {
      end = LIMIT - 1;
    }
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end).strip().replaceAll("[,;:.\\-–—]+$", "") + "…";
  }

  private static int words(String text) {
    return text.split(" ").length;
  }
}
