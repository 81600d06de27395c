package dev.dockhand.githubapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MentionsTest {
  private static final String SLUG = "dockhand-bot";

  @Test
  void theRequestIsWhatFollowsTheMentionToTheEnd() {
    assertThat(Mentions.request(SLUG, "Hi @dockhand-bot fix the bug\nin foo.c\n"))
        .contains("fix the bug\nin foo.c");
    assertThat(Mentions.request(SLUG, "@Dockhand-Bot, please")).contains(", please");
    assertThat(Mentions.request(SLUG, "@dockhand-bot")).contains("");
  }

  @Test
  void longerNamesAndAddressesAreNotMentions() {
    assertThat(Mentions.request(SLUG, "@dockhand-bot-two do it")).isEmpty();
    assertThat(Mentions.request(SLUG, "@dockhand-bot[bot] said so")).isEmpty();
    assertThat(Mentions.request(SLUG, "mail me@dockhand-bot")).isEmpty();
    assertThat(Mentions.request(SLUG, "see acme/@dockhand-bot")).isEmpty();
  }

  @Test
  void codeAndQuotesDoNotCount() {
    assertThat(Mentions.request(SLUG, "run `@dockhand-bot fix` to ask")).isEmpty();
    assertThat(Mentions.request(SLUG, "```\n@dockhand-bot fix\n```\nnothing here")).isEmpty();
    assertThat(Mentions.request(SLUG, "~~~sh\n@dockhand-bot fix\n~~~")).isEmpty();
    assertThat(Mentions.request(SLUG, "> @dockhand-bot fix it\n\nI agree")).isEmpty();
    assertThat(Mentions.request(SLUG, "> quoted\n\n@dockhand-bot then this")).contains("then this");
    assertThat(Mentions.request(SLUG, "```\ncode\n```\n@dockhand-bot after `x` code"))
        .contains("after `x` code");
  }
}
