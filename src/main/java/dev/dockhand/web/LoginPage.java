package dev.dockhand.web;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The small HTML pages a browser lands on when a sign-in does not end in the app: refused by the
 * allowlist, failed, or rate-limited. Every value shown is escaped; pages are never cached.
 */
final class LoginPage {
  private LoginPage() {}

  /** Whether the client is a browser navigating (it asks for HTML), not an API client. */
  static boolean wanted(Context ctx) {
    String accept = ctx.header("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  static void notAllowed(Context ctx, String login, Set<String> admins, boolean orgsConfigured) {
    String who =
        admins.isEmpty()
            ? "the person who runs this server"
            : "an admin of this server ("
                + admins.stream()
                    .sorted()
                    .map(admin -> "@" + admin)
                    .collect(Collectors.joining(", "))
                + ")";
    String body =
        "<p>Your GitHub account <strong>@"
            + escape(login)
            + "</strong> is not allowed to use this Dockhand server.</p>"
            + "<p>Ask "
            + escape(who)
            + " to let you in: access is granted by adding your GitHub login to"
            + " <code>DOCKHAND_ALLOWED_USERS</code>, or by membership of an organisation or team"
            + " named in <code>DOCKHAND_ALLOWED_ORGS</code>.</p>"
            + (orgsConfigured
                ? "<p>If you should be in through an organisation, accept any pending invitation"
                    + " to it, and check that it allows this app to see your membership"
                    + " (GitHub: Settings, Applications).</p>"
                : "")
            + "<p>Nothing about your account was kept. <a href=\"/\">Back</a></p>";
    write(ctx, 403, "Not allowed on this server", body);
  }

  static void failed(Context ctx, int status, String message) {
    String sentence =
        message.isEmpty()
            ? message
            : Character.toUpperCase(message.charAt(0)) + message.substring(1);
    String body =
        "<p>"
            + escape(sentence)
            + ".</p><p><a href=\"/auth/github/login\">Sign in again</a> or go"
            + " <a href=\"/\">back</a>.</p>";
    write(ctx, status, "Sign-in did not complete", body);
  }

  static void rateLimited(Context ctx, long retryAfterSeconds) {
    ctx.header("Retry-After", Long.toString(retryAfterSeconds));
    String body =
        "<p>Too many sign-in attempts came from your address. Try again in "
            + retryAfterSeconds
            + (retryAfterSeconds == 1 ? " second" : " seconds")
            + ".</p>";
    write(ctx, 429, "Too many sign-in attempts", body);
  }

  private static void write(Context ctx, int status, String title, String body) {
    ctx.header("Cache-Control", "no-store");
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>"
                + escape(title)
                + " · Dockhand</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;"
                + "padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .2em}</style>"
                + "</head><body><h1>"
                + escape(title)
                + "</h1>"
                + body
                + "</body></html>");
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
