package dev.dockhand.github;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rel="next"} address of GitHub's {@code Link} header, taken only on the API's origin.
 */
final class NextLink {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private NextLink() {}

  /** The next page's address, if the header names one on {@code apiUrl}'s scheme, host and port. */
  static Optional<URI> onOrigin(String link, URI apiUrl) {
    Matcher next = NEXT.matcher(link);
    if (!next.find()) {
      return Optional.empty();
    }
    try {
      URI url = new URI(next.group(1));
      boolean sameOrigin =
          apiUrl.getScheme().equalsIgnoreCase(url.getScheme())
              && apiUrl.getHost().equalsIgnoreCase(url.getHost())
              && apiUrl.getPort() == url.getPort();
      return sameOrigin ? Optional.of(url) : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
