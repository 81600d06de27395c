package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExecOutputTest {
  @Test
  void aCharacterSplitAcrossChunksIsStreamedWhole() {
    SandboxFixture.Chunks streamed = new SandboxFixture.Chunks();
    ExecOutput output = new ExecOutput(1024, streamed);
    byte[] bytes = "héllo wörld".getBytes(StandardCharsets.UTF_8);

    output.accept(Arrays.copyOfRange(bytes, 0, 2));
    output.accept(Arrays.copyOfRange(bytes, 2, bytes.length));

    assertThat(streamed.joined()).isEqualTo("héllo wörld");
    assertThat(output.text()).isEqualTo("héllo wörld");
    assertThat(output.truncated()).isFalse();
  }

  @Test
  void outputExactlyAtTheCapIsNotTruncated() {
    ExecOutput output = new ExecOutput(4, chunk -> {});

    output.accept("abcd".getBytes(StandardCharsets.UTF_8));

    assertThat(output.truncated()).isFalse();
    assertThat(output.text()).isEqualTo("abcd");
  }

  @Test
  void theCommandIsAskedToStopOnlyOncePastTheStopBound() {
    ExecOutput output = new ExecOutput(4, chunk -> {});
    byte[] chunk = new byte[4 * ExecOutput.STOP_FACTOR];

    assertThat(output.accept(chunk)).isTrue();
    assertThat(output.accept(new byte[1])).isFalse();
    assertThat(output.accept(new byte[1])).isTrue();
    assertThat(output.text())
        .contains("the command was stopped after printing more than 256 bytes");
  }
}
