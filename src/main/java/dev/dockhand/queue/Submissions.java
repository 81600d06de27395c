package dev.dockhand.queue;

import dev.dockhand.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** The checks a submission passes before it is stored, and its idempotency fingerprint. */
final class Submissions {
  private Submissions() {}

  static void validate(NewTask task, Optional<String> key) {
    if (task.maxTurns().isPresent() && task.maxTurns().get() < 1) {
      throw new InvalidInputException("maxTurns", "must be at least 1");
    }
    if (task.budgetUsd().isPresent() && !(task.budgetUsd().get() >= 0)) {
      throw new InvalidInputException("budgetUsd", "must not be negative");
    }
    if (key.isPresent() && (key.get().isBlank() || key.get().length() > 200)) {
      throw new InvalidInputException("Idempotency-Key", "must be 1 to 200 characters");
    }
  }

  /** Tells two submissions apart: the same key with another hash is a conflict. */
  static String hash(NewTask task) {
    return hash(TaskRows.json(task));
  }

  /** SHA-256 of {@code text}, hex: what idempotency keys remember of a request. */
  static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
