package dev.dockhand.egress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed HTTP/1 message head: the start line and the header fields in order. Parsing is strict
 * (token names, no folded lines, no control characters), since the head comes from the container or
 * from a host on the internet and is re-written, never passed through as bytes. Immutable.
 */
record HttpHead(String startLine, List<Header> headers) {
  static final int MAX_HEADERS = 100;

  /** Fields that describe one connection, not the message; never forwarded (RFC 9110 7.6.1). */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authorization",
          "proxy-authenticate",
          "te",
          "trailer",
          "upgrade");

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  record Header(String name, String value) {}

  /** Thrown for a head that breaks the grammar; the message is safe to show the sender. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  static HttpHead parse(String text) throws Malformed {
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
    while (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines.removeLast();
    }
    if (lines.isEmpty() || lines.getFirst().isEmpty()) {
      throw new Malformed("empty request line");
    }
    if (lines.size() - 1 > MAX_HEADERS) {
      throw new Malformed("too many header fields");
    }
    String start = lines.getFirst();
    checkText(start);
    List<Header> headers = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
        throw new Malformed("a header line is not 'name: value'");
      }
      String value = line.substring(colon + 1).strip();
      checkText(value);
      headers.add(new Header(line.substring(0, colon), value));
    }
    return new HttpHead(start, List.copyOf(headers));
  }

  /** All values of a field, case-insensitive, comma lists split. */
  List<String> values(String name) {
    List<String> values = new ArrayList<>();
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase(name)) {
        for (String part : header.value().split(",")) {
          if (!part.isBlank()) {
            values.add(part.strip());
          }
        }
      }
    }
    return values;
  }

  /**
   * The fields to forward: without the hop-by-hop ones, any Proxy-* field, those the Connection
   * field names, and any in {@code alsoDrop}.
   */
  List<Header> endToEnd(Set<String> alsoDrop) {
    List<String> named =
        values("connection").stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    return headers.stream()
        .filter(
            header -> {
              String lower = header.name().toLowerCase(Locale.ROOT);
              return !HOP_BY_HOP.contains(lower)
                  && !lower.startsWith("proxy-")
                  && !named.contains(lower)
                  && !alsoDrop.contains(lower);
            })
        .toList();
  }

  /** The bytes of a head with this start line and these fields, ending in the blank line. */
  static byte[] render(String startLine, List<Header> headers) {
    StringBuilder out = new StringBuilder(startLine).append("\r\n");
    for (Header header : headers) {
      out.append(header.name()).append(": ").append(header.value()).append("\r\n");
    }
    return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void checkText(String text) throws Malformed {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new Malformed("a control character in the head");
      }
    }
  }
}
