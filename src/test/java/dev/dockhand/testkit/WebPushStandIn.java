package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dockhand.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push service on loopback speaking RFC 8030 as FCM or Mozilla's autopush do: {@code POST
 * /push/<id>} with an {@code aes128gcm} body (RFC 8291) and {@code Authorization: vapid t=<JWT>,
 * k=<key>} (RFC 8292). Each request's JWT is verified (ES256 over the key it names, which must be
 * the one the subscription was made for; {@code aud} this service's origin; {@code exp} in the
 * future and within 24 hours; {@code sub} a mailto: or https: URL) and its body is decrypted with
 * the subscription's private key, as a browser would; a request that fails either is answered 401
 * or 400 and recorded as refused. Its subscriptions play the browser's part: a real P-256 key pair
 * and authentication secret per subscription.
 */
public final class WebPushStandIn implements AutoCloseable {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final Map<String, Browser> browsers = new ConcurrentHashMap<>();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> answered = new LinkedBlockingQueue<>();
  private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Integer> scripted = new ConcurrentLinkedQueue<>();
  private volatile Consumer<Received> onReceived = message -> {};

  /** One browser's subscription: where it receives, and the keys only it holds. */
  public record Browser(String id, URI endpoint, KeyPair keys, byte[] auth, String serverKey) {
    public String p256dh() {
      return B64.encodeToString(uncompressed((ECPublicKey) keys.getPublic()));
    }

    public String authSecret() {
      return B64.encodeToString(auth);
    }

    /** The body of {@code POST /api/v1/push/subscriptions}, as PushSubscription.toJSON() gives. */
    public String json() {
      return "{\"endpoint\":\""
          + endpoint
          + "\",\"expirationTime\":null,\"keys\":{\"p256dh\":\""
          + p256dh()
          + "\",\"auth\":\""
          + authSecret()
          + "\"}}";
    }
  }

  /** A message that passed both checks: its plaintext and what came with it. */
  public record Received(
      String subscriptionId, String plaintext, JsonNode claims, Map<String, String> headers) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(plaintext);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + plaintext, e);
      }
    }
  }

  private WebPushStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/push/", this::handle);
    server.start();
  }

  public static WebPushStandIn start() {
    try {
      return new WebPushStandIn();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A new browser subscription for the server whose VAPID public key is {@code serverKey}. */
  public Browser subscribe(String serverKey) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      byte[] auth = new byte[16];
      RANDOM.nextBytes(auth);
      String id = Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
      Browser browser =
          new Browser(
              id,
              URI.create(origin() + "/push/" + id),
              generator.generateKeyPair(),
              auth,
              serverKey);
      browsers.put(id, browser);
      return browser;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A subscription whose keys a browser made (its private key exported as JWK {@code d}, {@code x},
   * {@code y}), for the browser test.
   */
  public Browser adopt(String id, String d, String x, String y, String auth, String serverKey) {
    try {
      ECParameterSpec p256 = p256();
      KeyFactory factory = KeyFactory.getInstance("EC");
      ECPublicKey publicKey =
          (ECPublicKey)
              factory.generatePublic(
                  new ECPublicKeySpec(
                      new ECPoint(
                          new BigInteger(1, UNB64.decode(x)), new BigInteger(1, UNB64.decode(y))),
                      p256));
      ECPrivateKey privateKey =
          (ECPrivateKey)
              factory.generatePrivate(
                  new ECPrivateKeySpec(new BigInteger(1, UNB64.decode(d)), p256));
      Browser browser =
          new Browser(
              id,
              URI.create(origin() + "/push/" + id),
              new KeyPair(publicKey, privateKey),
              UNB64.decode(auth),
              serverKey);
      browsers.put(id, browser);
      return browser;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next requests are answered with these statuses (then 201 again). */
  public void answerNext(Integer... statuses) {
    scripted.addAll(Arrays.asList(statuses));
  }

  /** Called with each message that passed, on the service's thread (the browser test's hook). */
  public void onReceived(Consumer<Received> listener) {
    this.onReceived = listener;
  }

  public Received next(long seconds) throws InterruptedException {
    Received message = received.poll(seconds, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("no push arrived within " + seconds + " s; refusals: " + refusals);
    }
    return message;
  }

  public Received poll(long millis) throws InterruptedException {
    return received.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** The status the next checked request was answered with (201, or a scripted one). */
  public int nextAnswer(long seconds) throws InterruptedException {
    Integer status = answered.poll(seconds, TimeUnit.SECONDS);
    if (status == null) {
      throw new AssertionError("no push arrived within " + seconds + " s; refusals: " + refusals);
    }
    return status;
  }

  public List<String> refusals() {
    return List.copyOf(refusals);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(8192);
      }
      String id = exchange.getRequestURI().getPath().substring("/push/".length());
      Browser browser = browsers.get(id);
      if (!exchange.getRequestMethod().equals("POST") || browser == null) {
        reply(exchange, 404);
        return;
      }
      JsonNode claims;
      try {
        // A push service knows its own origin: the one the request was addressed to.
        String audience = "http://" + exchange.getRequestHeaders().getFirst("Host");
        claims =
            verifyVapid(exchange.getRequestHeaders().getFirst("Authorization"), browser, audience);
      } catch (IllegalArgumentException | GeneralSecurityException e) {
        refusals.add("vapid: " + e.getMessage());
        reply(exchange, 401);
        return;
      }
      String plaintext;
      try {
        if (!"aes128gcm".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          throw new IllegalArgumentException("Content-Encoding is not aes128gcm");
        }
        if (exchange.getRequestHeaders().getFirst("TTL") == null) {
          throw new IllegalArgumentException("no TTL");
        }
        plaintext =
            new String(
                decrypt(
                    body,
                    (ECPrivateKey) browser.keys().getPrivate(),
                    (ECPublicKey) browser.keys().getPublic(),
                    browser.auth()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException | GeneralSecurityException e) {
        refusals.add("body: " + e.getMessage());
        reply(exchange, 400);
        return;
      }
      Integer status = scripted.poll();
      if (status != null && status != 201) {
        answered.add(status);
        reply(exchange, status);
        return;
      }
      answered.add(201);
      Map<String, String> headers = new ConcurrentHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
      Received message = new Received(id, plaintext, claims, headers);
      received.add(message);
      onReceived.accept(message);
      exchange
          .getResponseHeaders()
          .add("Location", origin() + "/message/" + RANDOM.nextInt(1 << 30));
      reply(exchange, 201);
    }
  }

  /** RFC 8292: {@code vapid t=<JWT>, k=<public key>}; returns the JWT's claims. */
  private JsonNode verifyVapid(String header, Browser browser, String audience)
      throws GeneralSecurityException {
    if (header == null || !header.startsWith("vapid ")) {
      throw new IllegalArgumentException("no vapid Authorization");
    }
    String token = null;
    String key = null;
    for (String part : header.substring(6).split(",")) {
      String trimmed = part.trim();
      if (trimmed.startsWith("t=")) {
        token = trimmed.substring(2);
      } else if (trimmed.startsWith("k=")) {
        key = trimmed.substring(2);
      }
    }
    if (token == null || key == null) {
      throw new IllegalArgumentException("t= or k= missing");
    }
    if (!key.equals(browser.serverKey())) {
      throw new IllegalArgumentException("k is not the key the subscription was made for");
    }
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a JWS");
    }
    JsonNode head = parse(UNB64.decode(parts[0]));
    if (!"ES256".equals(head.path("alg").asText())) {
      throw new IllegalArgumentException("alg is not ES256");
    }
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(publicKey(UNB64.decode(key)));
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    if (!verifier.verify(UNB64.decode(parts[2]))) {
      throw new IllegalArgumentException("bad signature");
    }
    JsonNode claims = parse(UNB64.decode(parts[1]));
    long now = Instant.now().getEpochSecond();
    long exp = claims.path("exp").asLong();
    if (exp <= now || exp > now + 24 * 3600) {
      throw new IllegalArgumentException("exp " + exp + " is not within the next 24 hours");
    }
    if (!audience.equals(claims.path("aud").asText())) {
      throw new IllegalArgumentException("aud " + claims.path("aud") + " is not " + audience);
    }
    String sub = claims.path("sub").asText();
    if (!sub.startsWith("mailto:") && !sub.startsWith("https://")) {
      throw new IllegalArgumentException("sub " + sub + " is not mailto: or https:");
    }
    return claims;
  }

  /**
   * RFC 8291 section 3.4 and RFC 8188: the user agent's side. One record: salt (16), record size
   * (4), key id length (1), the sender's ephemeral public key (65), then the ciphertext, whose
   * plaintext ends in the delimiter 0x02 followed by zero padding.
   */
  public static byte[] decrypt(
      byte[] body, ECPrivateKey uaPrivate, ECPublicKey uaPublic, byte[] authSecret)
      throws GeneralSecurityException {
    if (body.length < 16 + 4 + 1 + 65 + 17) {
      throw new IllegalArgumentException("body too short");
    }
    byte[] salt = Arrays.copyOfRange(body, 0, 16);
    int recordSize = new BigInteger(1, Arrays.copyOfRange(body, 16, 20)).intValue();
    int idLength = body[20] & 0xff;
    if (idLength != 65 || recordSize < 18) {
      throw new IllegalArgumentException("key id is not a P-256 point");
    }
    byte[] asPublic = Arrays.copyOfRange(body, 21, 86);
    byte[] ciphertext = Arrays.copyOfRange(body, 86, body.length);
    if (ciphertext.length > recordSize) {
      throw new IllegalArgumentException("more than one record");
    }
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(uaPrivate);
    agreement.doPhase(publicKey(asPublic), true);
    byte[] ecdhSecret = agreement.generateSecret();
    byte[] uaPublicBytes = uncompressed(uaPublic);
    byte[] keyInfo =
        concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublicBytes, asPublic);
    byte[] ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
    byte[] cek =
        hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce =
        hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] padded = cipher.doFinal(ciphertext);
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 2) {
      throw new IllegalArgumentException("no last-record delimiter");
    }
    return Arrays.copyOf(padded, end);
  }

  /** HKDF-SHA256 (RFC 5869) of one block: extract with {@code salt}, expand with {@code info}. */
  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length)
      throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info);
    mac.update((byte) 1);
    return Arrays.copyOf(mac.doFinal(), length);
  }

  public static ECPublicKey publicKey(byte[] uncompressed) throws GeneralSecurityException {
    if (uncompressed.length != 65 || uncompressed[0] != 4) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    ECPoint point =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
            new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
    return (ECPublicKey)
        KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, p256()));
  }

  public static ECPrivateKey privateKey(byte[] scalar) throws GeneralSecurityException {
    return (ECPrivateKey)
        KeyFactory.getInstance("EC")
            .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), p256()));
  }

  public static byte[] uncompressed(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    fixed(key.getW().getAffineX(), out, 1);
    fixed(key.getW().getAffineY(), out, 33);
    return out;
  }

  private static void fixed(BigInteger value, byte[] out, int at) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, out, at + 32 - length, length);
  }

  private static ECParameterSpec p256() throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    return parameters.getParameterSpec(ECParameterSpec.class);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static JsonNode parse(byte[] json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON");
    }
  }

  private static void reply(HttpExchange exchange, int status) throws IOException {
    if (status == 429) {
      exchange.getResponseHeaders().add("Retry-After", "1");
    }
    exchange.sendResponseHeaders(status, -1);
    OutputStream ignored = exchange.getResponseBody();
    ignored.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
