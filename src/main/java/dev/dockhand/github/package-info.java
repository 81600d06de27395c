/**
 * GitHub's REST API, spoken in one place ({@link dev.dockhand.github.GitHubClient}) for sign-in,
 * the repository picker, pull requests and the GitHub App ({@link dev.dockhand.github.AppJwt},
 * {@link dev.dockhand.github.InstallationTokens}).
 *
 * <p>Trust: GitHub's answers cross a boundary here. Bodies are read up to {@link
 * dev.dockhand.github.GitHubClient#MAX_BODY_BYTES} and parsed as JSON, never evaluated; each answer
 * is sorted into one {@link dev.dockhand.github.GitHubResponse.Outcome} so every caller reads
 * refusals, rate limits and outages alike. The token goes only to GITHUB_API_URL's origin:
 * redirects are never followed and a {@code rel="next"} link elsewhere is not taken; the one
 * address GitHub hands out on purpose (a job log's signed download) is fetched with no credential.
 * No message this package makes contains a token.
 */
package dev.dockhand.github;
