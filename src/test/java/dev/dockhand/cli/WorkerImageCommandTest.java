package dev.dockhand.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.sandbox.WorkerImageBuilder.Mode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WorkerImageCommandTest {
  private static WorkerImageCommand.Build parse(String... args) {
    CommandLine line = new CommandLine(new WorkerImageCommand());
    CommandLine.ParseResult result = line.parseArgs(args);
    return (WorkerImageCommand.Build) result.subcommand().commandSpec().userObject();
  }

  @Test
  void buildWithNoOptionsPicksTheWayByItselfAndTheDefaultImage() {
    WorkerImageCommand.Build build = parse("build");

    assertThat(build.mode()).isEqualTo(Mode.AUTO);
    assertThat(build.image)
        .isEqualTo(System.getenv().getOrDefault("DOCKHAND_WORKER_IMAGE", "dockhand-worker:latest"));
  }

  @Test
  void buildTakesAnImageAndAnExplicitWay() {
    assertThat(parse("build", "--image", "mine:1", "--offline").mode()).isEqualTo(Mode.OFFLINE);
    assertThat(parse("build", "--image", "mine:1", "--offline").image).isEqualTo("mine:1");
    assertThat(parse("build", "--dockerfile").mode()).isEqualTo(Mode.DOCKERFILE);
  }

  @Test
  void offlineAndDockerfileTogetherAreRejected() {
    assertThatThrownBy(() -> parse("build", "--offline", "--dockerfile"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("mutually exclusive");
  }
}
