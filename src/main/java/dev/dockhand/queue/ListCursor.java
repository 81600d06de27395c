package dev.dockhand.queue;

import dev.dockhand.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Where a listing page ends: the last task's creation time and id, opaque to clients. */
record ListCursor(long createdAt, String id) {
  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((createdAt + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  static ListCursor parse(String text) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return new ListCursor(
          Long.parseLong(decoded.substring(0, colon)), decoded.substring(colon + 1));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new InvalidInputException("cursor", "is not a cursor this server gave out");
    }
  }
}
