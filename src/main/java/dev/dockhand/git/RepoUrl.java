package dev.dockhand.git;

import dev.dockhand.InvalidInputException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A repository reference that has passed every check: an {@code https://host[:port]/owner/name} URL
 * (plain http only when allowed) on an allowed host, or the shorthand {@code owner/name} on
 * GITHUB_URL's host. Only {@link #parse} makes one, so holding a RepoUrl means the checks ran
 * before any network call. Immutable and thread-safe.
 */
public final class RepoUrl {
  static final int MAX_LENGTH = 2000;
  private static final String FIELD = "repo";
  private static final Pattern AFTER_SCHEME = Pattern.compile("([^/?#]*)(/[^?#]*|)([?#].*)?");
  private static final Pattern SHORTHAND = Pattern.compile("[^/:@]+/[^/:@]+");
  private static final Pattern SCP_LIKE = Pattern.compile("[^/:]+@[^/:]+:.*");
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  private final String scheme;
  private final HostPort hostPort;
  private final String owner;
  private final String name;

  private RepoUrl(String scheme, HostPort hostPort, String owner, String name) {
    this.scheme = scheme;
    this.hostPort = hostPort;
    this.owner = owner;
    this.name = name;
  }

  /** Parses and checks {@code input}; throws {@link InvalidInputException} on field "repo". */
  public static RepoUrl parse(String input, GitSettings settings) {
    String text = checkCharacters(input);
    int schemeEnd = text.indexOf("://");
    if (schemeEnd < 0
        && (text.startsWith("/")
            || text.startsWith(".")
            || text.startsWith("~")
            || text.contains("\\"))) {
      throw invalid("local paths are not allowed; use https://host/owner/name or owner/name");
    }
    checkDotSegments(text);
    if (schemeEnd >= 0) {
      return fromUrl(
          text.substring(0, schemeEnd).toLowerCase(Locale.ROOT),
          text.substring(schemeEnd + 3),
          settings);
    }
    if (SCP_LIKE.matcher(text).matches()) {
      throw invalid("SSH remotes such as git@host:owner/name are not allowed; use an https:// URL");
    }
    if (SHORTHAND.matcher(text).matches()) {
      return fromShorthand(text, settings);
    }
    throw invalid("must be https://host/owner/name or owner/name");
  }

  private static String checkCharacters(String input) {
    if (input == null || input.isBlank()) {
      throw invalid("is required");
    }
    if (input.length() > MAX_LENGTH) {
      throw invalid("is too long (over " + MAX_LENGTH + " characters)");
    }
    for (int i = 0; i < input.length(); i++) {
      if (Character.isISOControl(input.charAt(i))) {
        throw invalid("must not contain control characters");
      }
    }
    // A phone keyboard likes to add a trailing space; surrounding spaces carry no meaning.
    String text = input.strip();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        throw invalid("must not contain spaces");
      }
      if (c > 0x7e) {
        throw invalid("must contain only plain ASCII characters");
      }
    }
    if (text.indexOf('%') >= 0) {
      throw invalid("must not contain percent-encoded characters");
    }
    return text;
  }

  private static void checkDotSegments(String text) {
    for (String segment : text.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        throw invalid("must not contain '.' or '..' path segments");
      }
    }
  }

  private static RepoUrl fromUrl(String scheme, String rest, GitSettings settings) {
    if (!scheme.equals("https") && !(scheme.equals("http") && settings.allowHttp())) {
      throw invalid(
          scheme.equals("http")
              ? "plain http:// repositories are not allowed; use https://"
              : "only https:// repositories are allowed, not " + scheme + "://");
    }
    Matcher url = AFTER_SCHEME.matcher(rest);
    if (!url.matches()) {
      throw invalid("must name a repository as https://host/owner/name");
    }
    if (url.group(1).contains("@")) {
      throw invalid("must not contain a user name or password; the token is sent separately");
    }
    if (url.group(3) != null) {
      throw invalid("must not have a query string or fragment");
    }
    HostPort hostPort =
        HostPort.parse(url.group(1)).orElseThrow(() -> invalid("has an invalid host"));
    String path =
        url.group(2).endsWith("/")
            ? url.group(2).substring(0, url.group(2).length() - 1)
            : url.group(2);
    String[] segments = path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
    if (segments.length != 2) {
      throw invalid("must name a repository as https://host/owner/name");
    }
    return checked(scheme, hostPort, segments[0], segments[1], settings);
  }

  private static RepoUrl fromShorthand(String text, GitSettings settings) {
    URI github = settings.githubUrl();
    String scheme = github.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("http") && !settings.allowHttp()) {
      throw invalid("plain http:// repositories are not allowed; use https://");
    }
    HostPort hostPort = new HostPort(github.getHost().toLowerCase(Locale.ROOT), github.getPort());
    String[] parts = text.split("/");
    return checked(scheme, hostPort, parts[0], parts[1], settings);
  }

  private static RepoUrl checked(
      String scheme, HostPort hostPort, String owner, String rawName, GitSettings settings) {
    String name = rawName.endsWith(".git") ? rawName.substring(0, rawName.length() - 4) : rawName;
    if (!OWNER.matcher(owner).matches()) {
      throw invalid("has an invalid owner '" + owner + "'");
    }
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw invalid("has an invalid repository name '" + rawName + "'");
    }
    List<HostPort> allowed =
        settings.allowedHosts().stream().flatMap(e -> HostPort.parse(e).stream()).toList();
    if (allowed.stream().noneMatch(entry -> entry.admits(hostPort, scheme))) {
      throw invalid(
          "host "
              + hostPort
              + " is not allowed (allowed: "
              + String.join(", ", settings.allowedHosts())
              + ")");
    }
    return new RepoUrl(scheme, hostPort, owner, name);
  }

  private static InvalidInputException invalid(String problem) {
    return new InvalidInputException(FIELD, "repo " + problem);
  }

  public String owner() {
    return owner;
  }

  public String name() {
    return name;
  }

  /** The host name, lower case, without the port. */
  public String host() {
    return hostPort.host();
  }

  /** {@code host} or {@code host:port} as written in the URL. */
  public String hostAndPort() {
    return hostPort.toString();
  }

  /** {@code owner/name}. */
  public String fullName() {
    return owner + "/" + name;
  }

  /** The URL git talks to: never carries credentials. */
  public String cloneUrl() {
    return scheme + "://" + hostPort + "/" + owner + "/" + name + ".git";
  }

  /** Whether tasks may name repositories on GITHUB_URL's host ({@code owner/name} is allowed). */
  public static boolean githubAllowed(GitSettings settings) {
    try {
      parse("owner/name", settings);
      return true;
    } catch (InvalidInputException refused) {
      return false;
    }
  }

  /** True when the repository lives on GITHUB_URL's host, so pull requests go through its API. */
  public boolean isGitHub(GitSettings settings) {
    URI github = settings.githubUrl();
    HostPort githubHost = new HostPort(github.getHost().toLowerCase(Locale.ROOT), github.getPort());
    String githubScheme = github.getScheme().toLowerCase(Locale.ROOT);
    return githubHost.host().equals(hostPort.host())
        && githubHost.effectivePort(githubScheme) == hostPort.effectivePort(scheme);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RepoUrl that && that.cloneUrl().equals(cloneUrl());
  }

  @Override
  public int hashCode() {
    return cloneUrl().hashCode();
  }

  @Override
  public String toString() {
    return cloneUrl();
  }

  /** A host and optional port ({@code -1}: the scheme's default). */
  record HostPort(String host, int port) {
    private static final Pattern FORM = Pattern.compile("([^:]+)(?::([0-9]{1,5}))?");

    static java.util.Optional<HostPort> parse(String text) {
      Matcher matcher = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
      if (!matcher.matches() || !HOST.matcher(matcher.group(1)).matches()) {
        return java.util.Optional.empty();
      }
      int port = matcher.group(2) == null ? -1 : Integer.parseInt(matcher.group(2));
      if (port == 0 || port > 65535) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new HostPort(matcher.group(1), port));
    }

    int effectivePort(String scheme) {
      return port != -1 ? port : scheme.equals("http") ? 80 : 443;
    }

    boolean admits(HostPort candidate, String scheme) {
      return host.equals(candidate.host)
          && effectivePort(scheme) == candidate.effectivePort(scheme);
    }

    @Override
    public String toString() {
      return port == -1 ? host : host + ":" + port;
    }
  }
}
