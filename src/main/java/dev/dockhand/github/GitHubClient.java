package dev.dockhand.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one client of GitHub's REST API at GITHUB_API_URL (a base that may carry GitHub Enterprise's
 * {@code /api/v3}). Every request carries the token as {@code Authorization: Bearer}, {@code
 * Accept: application/vnd.github+json} and {@code X-GitHub-Api-Version: 2022-11-28}, and is
 * answered within the client's time limit or not at all; bodies are read up to {@link
 * #MAX_BODY_BYTES}. Redirects are never followed. A status becomes an {@link
 * GitHubResponse.Outcome}; no answer becomes a {@link GitHubUnavailableException}. Thread-safe.
 */
public final class GitHubClient {
  public static final String API_VERSION = "2022-11-28";

  /** The most of one answer read (a page of 100 repositories is a few hundred KiB). */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  /** The most pages {@link #getPages} follows, whatever its caller asks. */
  public static final int MAX_PAGES = 10;

  /** The most of one download read, whatever part of it is kept. */
  public static final long MAX_DOWNLOAD_BYTES = 64L * 1024 * 1024;

  private final URI apiUrl;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * Over {@code http}, which must not follow redirects (a redirect would carry the token to
   * wherever it points); each request is answered within {@code timeout}, body included.
   */
  public GitHubClient(URI apiUrl, HttpClient http, Duration timeout) {
    if (http.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("a GitHub client must not follow redirects");
    }
    this.apiUrl = apiUrl;
    this.http = http;
    this.timeout = timeout;
  }

  /** With an HTTP client of its own that connects within {@code timeout}. */
  public static GitHubClient create(URI apiUrl, Duration timeout) {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new GitHubClient(apiUrl, http, timeout);
  }

  /** {@code GET} of {@code path} (with its query, if any) under the API's base. */
  public GitHubResponse get(String path, Secret token) {
    return send(request(resolve(apiUrl, path), token).GET().build());
  }

  /** {@code POST} of {@code body}, written as JSON, to {@code path} under the API's base. */
  public GitHubResponse post(String path, Object body, Secret token) {
    HttpRequest request =
        request(resolve(apiUrl, path), token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json(body)))
            .build();
    return send(request);
  }

  /** {@code PATCH} of {@code body}, written as JSON, to {@code path} under the API's base. */
  public GitHubResponse patch(String path, Object body, Secret token) {
    HttpRequest request =
        request(resolve(apiUrl, path), token)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(json(body)))
            .build();
    return send(request);
  }

  /**
   * The last {@code keep} bytes of what {@code url} holds, fetched with no credential at all: for
   * the signed, short-lived addresses GitHub redirects a download to (a job's log). Only https is
   * followed, or the API's own scheme and host (a stand-in on loopback); at most {@link
   * #MAX_DOWNLOAD_BYTES} are read.
   */
  public String downloadTail(URI url, int keep) {
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    boolean sameOrigin =
        apiUrl.getScheme().equalsIgnoreCase(url.getScheme())
            && apiUrl.getHost().equalsIgnoreCase(url.getHost());
    if (!https && !sameOrigin) {
      throw new GitHubUnavailableException(
          "GitHub pointed a download at a plain-http address elsewhere; not followed", null);
    }
    HttpRequest request =
        HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", "dockhand").GET().build();
    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(request, info -> new TailBody(keep, MAX_DOWNLOAD_BYTES));
    HttpResponse<String> response = await(answer);
    if (response.statusCode() != 200) {
      throw new GitHubUnavailableException(
          "the download GitHub pointed at answered " + response.statusCode(), null);
    }
    return response.body();
  }

  /**
   * {@code GET} of {@code path}, then of each page GitHub links as {@code rel="next"} on the API's
   * own origin, at most {@code maxPages} (and never more than {@link #MAX_PAGES}) in all. Stops at
   * the first answer that is not {@link GitHubResponse.Outcome#OK}, which is then the last one.
   */
  public List<GitHubResponse> getPages(String path, Secret token, int maxPages) {
    if (maxPages < 1) {
      throw new IllegalArgumentException("maxPages must be at least 1: " + maxPages);
    }
    List<GitHubResponse> pages = new ArrayList<>();
    Optional<URI> next = Optional.of(resolve(apiUrl, path));
    while (next.isPresent() && pages.size() < Math.min(maxPages, MAX_PAGES)) {
      GitHubResponse page = send(request(next.get(), token).GET().build());
      pages.add(page);
      next =
          page.ok()
              ? page.header("Link").flatMap(link -> NextLink.onOrigin(link, apiUrl))
              : Optional.empty();
    }
    return pages;
  }

  /** Appends {@code path} to a base that may itself have one (GitHub Enterprise: /api/v3). */
  public static URI resolve(URI base, String path) {
    return URI.create(base.toString().replaceAll("/+$", "") + "/" + path);
  }

  private HttpRequest.Builder request(URI uri, Secret token) {
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", "Bearer " + token.reveal())
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", API_VERSION)
        .header("User-Agent", "dockhand");
  }

  private static byte[] json(Object body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write a GitHub request body", e);
    }
  }

  private GitHubResponse send(HttpRequest request) {
    CompletableFuture<HttpResponse<byte[]>> answer =
        http.sendAsync(request, info -> new CappedBody(MAX_BODY_BYTES));
    HttpResponse<byte[]> response = await(answer);
    return new GitHubResponse(
        response.statusCode(),
        GitHubResponse.classify(response.statusCode(), response.headers()),
        response.headers(),
        json(response.body()));
  }

  private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> answer) {
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new GitHubUnavailableException(late(), e);
    } catch (ExecutionException e) {
      throw unavailable(e.getCause());
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new GitHubUnavailableException("interrupted", e);
    }
  }

  private GitHubUnavailableException unavailable(Throwable cause) {
    if (cause instanceof CappedBody.TooLarge tooLarge) {
      return new GitHubUnavailableException(tooLarge.getMessage(), tooLarge);
    }
    if (cause instanceof HttpTimeoutException) {
      return new GitHubUnavailableException(late(), cause);
    }
    // The JDK's messages name the address at most, never a header.
    String kind = cause instanceof IOException ? cause.getClass().getSimpleName() : "error";
    return new GitHubUnavailableException("the GitHub API did not answer (" + kind + ")", cause);
  }

  private String late() {
    return "the GitHub API did not answer within " + timeout.toMillis() + " ms";
  }

  private static Optional<JsonNode> json(byte[] body) {
    if (body == null) {
      return Optional.empty();
    }
    if (body.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readTree(body));
    } catch (IOException notJson) {
      return Optional.empty();
    }
  }
}
