package dev.dockhand.env;

import dev.dockhand.git.RepoUrl;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Names one cached environment: the SHA-256 of everything that shapes what a setup leaves behind.
 * The person is part of it, so one person's environment is never restored into another's task: a
 * hostile setup can spoil only its own author's later tasks. Immutable.
 *
 * @param userId whose tasks may restore it
 * @param repo {@link #repoName} of the repository
 * @param hex 64 lower-case hex digits
 */
public record EnvKey(long userId, String repo, String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public EnvKey {
    Objects.requireNonNull(repo, "repo");
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("an environment key is 64 hex digits, got " + hex);
    }
  }

  /**
   * The key of the environment that {@code setup} makes.
   *
   * @param imageId the worker image's id ({@code sha256:…}), not its tag: a rebuilt image is new
   * @param setup the setup commands, in the order they run (each by its argv)
   * @param env the non-secret variables the setup sees
   * @param lockfiles each lockfile's path in the repository and its bytes at the base commit
   */
  public static EnvKey of(
      String imageId,
      long userId,
      RepoUrl repo,
      List<EnvCommand> setup,
      Map<String, String> env,
      SortedMap<String, byte[]> lockfiles) {
    MessageDigest digest = sha256();
    try (DataOutputStream out =
        new DataOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), digest))) {
      // Every field is length-prefixed, so no two different inputs write the same bytes.
      field(out, "dockhand-env-v1");
      field(out, imageId);
      out.writeLong(userId);
      field(out, repoName(repo));
      out.writeInt(setup.size());
      for (EnvCommand command : setup) {
        out.writeInt(command.argv().size());
        for (String argument : command.argv()) {
          field(out, argument);
        }
      }
      out.writeInt(env.size());
      for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
        field(out, variable.getKey());
        field(out, variable.getValue());
      }
      out.writeInt(lockfiles.size());
      for (Map.Entry<String, byte[]> file : new TreeMap<>(lockfiles).entrySet()) {
        field(out, file.getKey());
        out.writeInt(file.getValue().length);
        out.write(file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EnvKey(userId, repoName(repo), HexFormat.of().formatHex(digest.digest()));
  }

  /** {@code host[:port]/owner/name} in lower case: hosts compare repository names without case. */
  public static String repoName(RepoUrl repo) {
    return (repo.hostAndPort() + "/" + repo.fullName()).toLowerCase(Locale.ROOT);
  }

  private static void field(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
