package io.stagdb.domain.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on every webhook request: header {@value #HEADER} = {@code t=<unix seconds>,v1=<hex>}
 * where hex is HMAC-SHA256(secret, {@code "<t>." + body}). Receivers recompute it and compare in
 * constant time, and reject old timestamps to stop replays.
 */
public final class WebhookSignature {
  public static final String HEADER = "StagDB-Signature";
  public static final String EVENT_HEADER = "StagDB-Event";
  public static final String DELIVERY_HEADER = "StagDB-Delivery";

  private WebhookSignature() {
  }

  public static String header(String secret, long timestamp, byte[] body) {
    return "t=" + timestamp + ",v1=" + hmac(secret, timestamp, body);
  }

  /** Checks a header against a body, as a receiver does. */
  public static boolean verify(String secret, String header, byte[] body) {
    long timestamp = -1;
    String signature = null;
    for (String part : header.split(",")) {
      if (part.startsWith("t=")) {
        try {
          timestamp = Long.parseLong(part.substring(2));
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (part.startsWith("v1=")) {
        signature = part.substring(3);
      }
    }
    return timestamp >= 0 && signature != null && MessageDigest.isEqual(
        hmac(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
  }

  private static String hmac(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
