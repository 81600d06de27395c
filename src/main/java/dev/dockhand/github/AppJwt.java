package dev.dockhand.github;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dockhand.config.Secret;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The JWT a GitHub App authenticates as itself with: RS256 over the App's private key, issued by
 * the App's id, valid from a minute ago (GitHub's clock may run behind ours) for nine minutes
 * (GitHub refuses more than ten). One is made per call: a JWT is cheap and outlives no request.
 * Thread-safe.
 */
public final class AppJwt {
  static final Duration BACKDATE = Duration.ofSeconds(60);
  static final Duration LIFETIME = Duration.ofMinutes(9);

  private final long appId;
  private final RSASSASigner signer;
  private final Clock clock;

  public AppJwt(long appId, RSAPrivateKey key, Clock clock) {
    this.appId = appId;
    this.signer = new RSASSASigner(key);
    this.clock = clock;
  }

  /** A fresh JWT, as the bearer of App-level requests ({@code /app/…}, {@code …/installation}). */
  public Secret mint() {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issueTime(Date.from(now.minus(BACKDATE)))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .issuer(Long.toString(appId))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the GitHub App's JWT: " + e.getMessage(), e);
    }
    return new Secret(jwt.serialize());
  }
}
