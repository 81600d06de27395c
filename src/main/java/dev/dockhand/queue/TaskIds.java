package dev.dockhand.queue;

import java.security.SecureRandom;

/** Task ids: 128 random bits as 26 lowercase base32 characters, safe in URLs and branch names. */
final class TaskIds {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private TaskIds() {}

  static String next() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    StringBuilder id = new StringBuilder(26);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        id.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    id.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    return id.toString();
  }
}
