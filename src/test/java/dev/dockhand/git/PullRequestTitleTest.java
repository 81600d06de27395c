package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A pull request's title, as a reviewer reads it in a list: what the agent says it did. */
class PullRequestTitleTest {
  private static final String PROMPT = "please fix the thing in the widget factory";

  @Test
  void theSummarysFirstLineWithoutItsMarkdown() {
    assertThat(
            PullRequestTitle.of("Fixed the **off-by-one** in `Counter.next()`.\n\nMore.", PROMPT))
        .isEqualTo("Fixed the off-by-one in Counter.next().");
    assertThat(PullRequestTitle.of("# Add a [dark theme](https://x.example/t) toggle #\n", PROMPT))
        .isEqualTo("Add a dark theme toggle");
    assertThat(PullRequestTitle.of("- [x] Made _snake_case_ names camelCase\n", PROMPT))
        .isEqualTo("Made snake_case names camelCase");
    assertThat(PullRequestTitle.of("> 1. Quoted, numbered\n", PROMPT))
        .isEqualTo("Quoted, numbered");
  }

  @Test
  void linesThatSayNothingAreSkipped() {
    String summary =
        """
        ## Summary

        I've made the following changes:

        ```diff
        - old line
        ```
        - Added a retry with backoff to the webhook sender
        - Covered it with a test
        """;

    assertThat(PullRequestTitle.of(summary, PROMPT))
        .isEqualTo("Added a retry with backoff to the webhook sender");
  }

  @Test
  void aLongLineIsCutAtAWordBefore72Characters() {
    String title =
        PullRequestTitle.of(
            "Reworked the configuration loader so that every key is validated once at start-up,"
                + " with one line naming the key",
            PROMPT);

    assertThat(title)
        .hasSizeLessThanOrEqualTo(72)
        .isEqualTo("Reworked the configuration loader so that every key is validated once…");
    assertThat(PullRequestTitle.of("x".repeat(100), PROMPT))
        .as("no space to cut at")
        .hasSize(72)
        .endsWith("x…");
  }

  @Test
  void withoutASummaryThePromptsFirstLine() {
    assertThat(PullRequestTitle.of("", "Make the widget square\n\nIt rolls away."))
        .isEqualTo("Make the widget square");
    assertThat(PullRequestTitle.of("## Done\n\n---\n", "  Fix\tthe   bug \nmore"))
        .isEqualTo("Fix the bug");
    assertThat(PullRequestTitle.of(null, "")).isEqualTo("Changes made by Dockhand");
  }

  @Test
  void controlCharactersNeverReachTheTitle() {
    assertThat(PullRequestTitle.of("Fixed\u001b[31m the\u0007 bug", PROMPT))
        .isEqualTo("Fixed [31m the bug");
  }
}
