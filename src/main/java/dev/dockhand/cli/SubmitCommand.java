package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Submits a task and prints its id; with --watch follows it to the end. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Submit a task to the server.")
public final class SubmitCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Option(
      names = "--repo",
      required = true,
      description = "owner/name or an https URL on an allowed host")
  String repo;

  @Option(
      names = "--branch",
      description = "Base branch (default: the repository's default branch)")
  String branch;

  @Option(names = "--prompt", description = "What to do; '-' reads it from standard input")
  String prompt;

  @Option(names = "--prompt-file", description = "Read the prompt from this file")
  Path promptFile;

  @Option(names = "--model", description = "Model for this task (default: the server's)")
  String model;

  @Option(names = "--max-turns", description = "Model turns before the task stops")
  Integer maxTurns;

  @Option(names = "--budget", paramLabel = "USD", description = "Spend limit in US dollars")
  Double budgetUsd;

  @Option(
      names = "--egress-allow",
      split = ",",
      paramLabel = "HOST",
      description =
          "Extra hosts this task may reach (host, *.domain, host:port), comma separated;"
              + " the server decides whether tasks may add hosts")
  List<String> egressAllow;

  @Option(
      names = "--idempotency-key",
      description = "Submitting again with the same key returns the same task")
  String idempotencyKey;

  @Option(names = "--watch", description = "Follow the task until it ends")
  boolean watch;

  @Option(names = "--no-color", description = "Plain output")
  boolean noColor;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ApiClient client = options.client();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("repo", repo);
    putIfSet(body, "branch", branch);
    body.put("prompt", readPrompt());
    putIfSet(body, "model", model);
    putIfSet(body, "maxTurns", maxTurns);
    putIfSet(body, "budgetUsd", budgetUsd);
    if (egressAllow != null) {
      // A stray comma ("a.example.com,") is a typo, not an entry.
      body.put(
          "egressAllow",
          egressAllow.stream().map(String::strip).filter(host -> !host.isEmpty()).toList());
    }
    String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
    JsonNode task = client.post("/tasks", body, Map.of("Idempotency-Key", key));
    String id = task.path("id").asText();
    System.out.println(id);
    return watch ? WatchCommand.follow(client, id, !noColor) : 0;
  }

  private String readPrompt() throws IOException {
    if (promptFile != null) {
      return Files.readString(promptFile);
    }
    if ("-".equals(prompt)) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (prompt == null || prompt.isBlank()) {
      throw new CliException("--prompt (or --prompt-file) is required");
    }
    return prompt;
  }

  private static void putIfSet(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }
}
