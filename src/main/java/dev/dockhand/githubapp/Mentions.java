package dev.dockhand.githubapp;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code @<slug> <request>} in Markdown as people write it on GitHub. A mention counts only
 * in the text itself: not inside a fenced code block, an indented-code-free quote ({@code > …}
 * lines, as GitHub's "quote reply" makes), or an inline code span; and not as part of a longer name
 * ({@code @slug-bot}, {@code me@slug}). The request is what follows the first mention that counts,
 * to the end of the text. Stateless.
 */
final class Mentions {
  private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
  private static final Pattern QUOTE = Pattern.compile("^\\s{0,3}>");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");

  private Mentions() {}

  /** The request after the first live mention of {@code slug}; empty when there is none. */
  static Optional<String> request(String slug, String text) {
    Pattern mention =
        Pattern.compile(
            "(?<![A-Za-z0-9_.@/-])@" + Pattern.quote(slug) + "(?![A-Za-z0-9_\\[-])",
            Pattern.CASE_INSENSITIVE);
    List<String> lines = text.lines().toList();
    boolean inFence = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
        continue;
      }
      if (inFence || QUOTE.matcher(line).find()) {
        continue;
      }
      Matcher found = mention.matcher(blankInlineCode(line));
      if (found.find()) {
        StringBuilder rest = new StringBuilder(line.substring(found.end()));
        for (String after : lines.subList(i + 1, lines.size())) {
          rest.append('\n').append(after);
        }
        return Optional.of(rest.toString().strip());
      }
    }
    return Optional.empty();
  }

  /** The line with each inline code span blanked out, so positions stay where they were. */
  private static String blankInlineCode(String line) {
    Matcher code = INLINE_CODE.matcher(line);
    StringBuilder out = new StringBuilder();
    while (code.find()) {
      code.appendReplacement(out, " ".repeat(code.group().length()));
    }
    code.appendTail(out);
    return out.toString();
  }
}
