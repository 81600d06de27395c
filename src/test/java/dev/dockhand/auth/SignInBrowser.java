package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.web.WebHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One browser walking the GitHub sign-in against a {@link WebHarness} and the OAuth stand-in: it
 * asks for HTML as a navigating browser does, keeps the cookies the server sets and sends them
 * back. GitHub's redirect to {@code publicUrl} is followed to the harness on loopback.
 */
final class SignInBrowser {
  private final WebHarness harness;
  private final String publicUrl;
  private final Map<String, String> cookies = new LinkedHashMap<>();

  SignInBrowser(WebHarness harness, String publicUrl) {
    this.harness = harness;
    this.publicUrl = publicUrl;
  }

  /** Our login start, then GitHub's authorize: the callback URL GitHub sends the browser to. */
  URI beginAtGitHub() {
    HttpResponse<String> start = get("/auth/github/login");
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> approved = harness.send(HttpRequest.newBuilder(authorize).build());
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(302);
    URI back = URI.create(approved.headers().firstValue("Location").orElseThrow());
    assertThat(back.toString()).startsWith(publicUrl + "/auth/github/callback?");
    return back;
  }

  /** Follows GitHub's redirect back to our callback. */
  HttpResponse<String> arriveAt(URI callback) {
    return get(callback.getRawPath() + "?" + callback.getRawQuery());
  }

  /** The whole journey; the callback's answer. */
  HttpResponse<String> signIn() {
    return arriveAt(beginAtGitHub());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(harness.url(path)).header("Accept", "text/html,*/*"));
  }

  /** An API call with this browser's cookies (JSON, as the web app's fetch asks). */
  HttpResponse<String> api(String path) {
    return send(HttpRequest.newBuilder(harness.url(path)).header("Accept", "application/json"));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    if (!cookies.isEmpty()) {
      request.header(
          "Cookie",
          cookies.entrySet().stream()
              .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
              .collect(Collectors.joining("; ")));
    }
    HttpResponse<String> response = harness.send(request.build());
    for (String header : response.headers().allValues("Set-Cookie")) {
      String pair = header.split(";", 2)[0];
      String name = pair.substring(0, pair.indexOf('='));
      String value = pair.substring(pair.indexOf('=') + 1);
      boolean expired = value.isEmpty() || header.contains("Max-Age=0");
      if (expired) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return response;
  }

  Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name));
  }

  void setCookie(String name, String value) {
    cookies.put(name, value);
  }
}
