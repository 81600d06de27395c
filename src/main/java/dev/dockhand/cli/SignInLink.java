package dev.dockhand.cli;

import io.nayuki.qrcodegen.QrCode;
import java.io.PrintStream;

/**
 * Prints a one-time sign-in link and its QR code for a phone's camera: the code is drawn with
 * Unicode half blocks (two modules per character cell), dark on light with the standard four-module
 * quiet zone, so it scans from a dark or a light terminal alike.
 */
final class SignInLink {
  private static final int QUIET = 4;

  private SignInLink() {}

  static void print(PrintStream out, String url, String expiry) {
    out.println("Sign in on your phone: scan this code or open the link (one use, " + expiry + ")");
    out.print(qr(url));
    out.println(url);
  }

  /** The QR code of {@code text} as lines of text, with its quiet zone. */
  static String qr(String text) {
    QrCode code = QrCode.encodeText(text, QrCode.Ecc.LOW);
    int size = code.size;
    StringBuilder lines = new StringBuilder();
    for (int y = -QUIET; y < size + QUIET; y += 2) {
      // Light modules are drawn (the terminal's block colour) and dark ones left blank would
      // invert on a light terminal; so colours are set explicitly: black on white.
      lines.append("\u001b[30;47m");
      for (int x = -QUIET; x < size + QUIET; x++) {
        boolean top = dark(code, x, y);
        boolean bottom = dark(code, x, y + 1);
        lines.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
      }
      lines.append("\u001b[0m\n");
    }
    return lines.toString();
  }

  private static boolean dark(QrCode code, int x, int y) {
    return x >= 0 && y >= 0 && x < code.size && y < code.size && code.getModule(x, y);
  }
}
