package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.testkit.AnthropicStandIn.TokenCounts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A usage model that applies the documented prompt-caching rules to each request, so a stand-in
 * reports what the real API would bill. The prompt is the blocks of {@code tools}, then {@code
 * system}, then the messages, in order. A block marked with {@code cache_control} is a breakpoint
 * (at most four per request). The prefix up to a breakpoint is written to the cache once, if it is
 * at least {@link #MIN_CACHEABLE_TOKENS} long; a later request whose prompt starts with the same
 * prefix reads it instead, found at a breakpoint or up to {@link #LOOKBACK_BLOCKS} blocks before
 * one; an entry lives {@link #LIFETIME} from its last use. Tokens are estimated as UTF-8 bytes / 4
 * (cache_control itself not counted), plus the documented tokens the API adds for tool use: {@link
 * #TOOL_USE_SYSTEM_TOKENS} for the tool-use system prompt, and for each Anthropic-defined tool its
 * schema ({@code bash}: 245, text editor: 700), all in the tools part of the prefix. Thread-safe.
 */
public final class PromptCacheSimulator implements AnthropicStandIn.UsageModel {
  public static final Duration LIFETIME = Duration.ofMinutes(5);
  public static final int LOOKBACK_BLOCKS = 20;
  public static final long MIN_CACHEABLE_TOKENS = 1024;

  /** Added to any request with tools (Claude 4 models, tool_choice auto). */
  public static final long TOOL_USE_SYSTEM_TOKENS = 346;

  private static final Map<String, Long> TOOL_SCHEMA_TOKENS =
      Map.of("bash", 245L, "text_editor", 700L);

  private record Block(String hash, long endTokens, boolean breakpoint) {}

  private final Map<String, Instant> expiries = new HashMap<>();

  @Override
  public synchronized TokenCounts count(JsonNode request, long replyBytes, Instant at) {
    List<Block> blocks = prefixBlocks(request, true);
    long total = blocks.isEmpty() ? 0 : blocks.get(blocks.size() - 1).endTokens();
    long read = longestCachedPrefix(blocks, at);
    long written = read;
    for (Block block : blocks) {
      if (block.breakpoint() && block.endTokens() >= MIN_CACHEABLE_TOKENS) {
        if (block.endTokens() > read) {
          written = Math.max(written, block.endTokens());
        }
        expiries.put(block.hash(), at.plus(LIFETIME));
      }
    }
    long output = Math.max(1, replyBytes / 4);
    return new TokenCounts(total - written, output, read, written - read);
  }

  /** The prompt's size in tokens, estimated the same way as the cache's figures. */
  public static long promptTokens(JsonNode request) {
    List<Block> blocks = prefixBlocks(request, false);
    return blocks.isEmpty() ? 0 : blocks.get(blocks.size() - 1).endTokens();
  }

  /** Tokens of the longest cached prefix reachable from a breakpoint; refreshes its lifetime. */
  private long longestCachedPrefix(List<Block> blocks, Instant at) {
    long best = 0;
    for (int index = 0; index < blocks.size(); index++) {
      if (!blocks.get(index).breakpoint()) {
        continue;
      }
      for (int back = index; back >= 0 && back >= index - LOOKBACK_BLOCKS; back--) {
        Block candidate = blocks.get(back);
        Instant expiry = expiries.get(candidate.hash());
        if (expiry != null && !expiry.isBefore(at)) {
          if (candidate.endTokens() > best) {
            best = candidate.endTokens();
          }
          expiries.put(candidate.hash(), at.plus(LIFETIME));
          break;
        }
      }
    }
    return best;
  }

  private static List<Block> prefixBlocks(JsonNode request, boolean hashed) {
    List<JsonNode> raw = new ArrayList<>();
    request.path("tools").forEach(raw::add);
    JsonNode system = request.path("system");
    if (system.isTextual()) {
      raw.add(system);
    } else {
      system.forEach(raw::add);
    }
    for (JsonNode message : request.path("messages")) {
      JsonNode content = message.path("content");
      if (content.isTextual()) {
        raw.add(content);
      } else {
        content.forEach(
            block ->
                raw.add(
                    ((ObjectNode) block.deepCopy()).put("role", message.path("role").asText())));
      }
    }
    List<Block> blocks = new ArrayList<>();
    String hash = request.path("model").asText();
    long tokens = 0;
    if (request.path("tools").size() > 0) {
      tokens += TOOL_USE_SYSTEM_TOKENS;
    }
    for (JsonNode node : raw) {
      boolean breakpoint = node.has("cache_control");
      String text =
          node.isObject()
              ? ((ObjectNode) node.deepCopy()).without("cache_control").toString()
              : node.toString();
      hash = hashed ? sha256(hash + "\u0000" + text) : hash;
      tokens += text.getBytes(StandardCharsets.UTF_8).length / 4 + schemaTokens(node);
      blocks.add(new Block(hash, tokens, breakpoint));
    }
    return blocks;
  }

  /** Server-side schema tokens of an Anthropic-defined tool (e.g. type bash_20250124). */
  private static long schemaTokens(JsonNode node) {
    String type = node.path("type").asText("");
    return TOOL_SCHEMA_TOKENS.entrySet().stream()
        .filter(entry -> type.startsWith(entry.getKey() + "_20"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
