package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the sizes and CPU amounts users write: {@code "1g"}, {@code "512m"}, {@code "1.5"}, {@code "500m"}. */
public final class Quantities {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");
  private static final Pattern CPU = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final long KIB = 1024;

  private Quantities() {
  }

  /**
   * Bytes from a size: a number with an optional binary unit k, m, g or t (also {@code kb}, {@code mib},
   * ...); a bare number means bytes.
   */
  public static long parseBytes(String field, String text) {
    Matcher m = text == null ? null : SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (m == null || !m.matches()) {
      throw new InvalidRequestException(field, "not a size" + (text == null ? "" : " '" + Text.shorten(text) + "'")
          + "; write e.g. 512m, 1g or 1.5g");
    }
    long unit = switch (m.group(2)) {
      case "k" -> KIB;
      case "m" -> KIB * KIB;
      case "g" -> KIB * KIB * KIB;
      case "t" -> KIB * KIB * KIB * KIB;
      default -> 1;
    };
    try {
      return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidRequestException(field, "must be a whole number of bytes, e.g. 512m or 1.5g");
    }
  }

  /** Thousandths of a CPU core from {@code "1.5"} (cores) or {@code "500m"} (millicores). */
  public static long parseMilliCpus(String field, String text) {
    Matcher m = text == null ? null : CPU.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (m == null || !m.matches()) {
      throw new InvalidRequestException(field, "not a CPU amount" + (text == null ? "" : " '" + Text.shorten(text) + "'")
          + "; write cores (e.g. 0.5, 2) or millicores (e.g. 500m)");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    BigDecimal milli = m.group(2).isEmpty() ? amount.multiply(BigDecimal.valueOf(1000)) : amount;
    try {
      return milli.longValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidRequestException(field, "at most three decimals of a core (e.g. 0.125)");
    }
  }

  /**
   * A duration as users write it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, or
   * ISO-8601 ({@code PT2H}); it must be above zero.
   */
  public static java.time.Duration parseDuration(String field, String text) {
    String t = text == null ? "" : text.trim();
    Matcher m = DURATION.matcher(t);
    java.time.Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> java.time.Duration.ofMillis(n);
        case "s" -> java.time.Duration.ofSeconds(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        case "h" -> java.time.Duration.ofHours(n);
        default -> java.time.Duration.ofDays(n);
      };
    } else {
      try {
        d = java.time.Duration.parse(t);
      } catch (java.time.format.DateTimeParseException e) {
        throw new InvalidRequestException(field, "write a duration like 500ms, 30s, 5m, 2h, 1d or PT2H"
            + (text == null ? "" : " (got '" + Text.shorten(text) + "')"));
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new InvalidRequestException(field, "must be a duration above 0 (got '" + Text.shorten(t) + "')");
    }
    return d;
  }

  /** Prints bytes the way users write them: {@code 1g}, {@code 512m}, {@code 1536m}. */
  public static String formatBytes(long bytes) {
    String[] units = {"t", "g", "m", "k"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (4 - i));
      if (bytes >= unit && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** Prints a duration the way users write it: {@code 30d}, {@code 2h}, {@code 90s}, {@code 250ms}. */
  public static String formatDuration(java.time.Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i] && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }

  /** Prints thousandths of a core as cores: {@code 1.5}, {@code 2}. */
  public static String formatMilliCpus(long milliCpus) {
    return BigDecimal.valueOf(milliCpus, 3).stripTrailingZeros().toPlainString();
  }
}
