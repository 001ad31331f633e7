package dev.limiter.operator.plan;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the Kubernetes-style durations of the spec ({@code 24h}, {@code 90m}, {@code 1h30m},
 * {@code 45s}).
 */
public final class GoDurations {

  private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  private GoDurations() {}

  /**
   * The duration {@code text} denotes.
   *
   * @throws IllegalArgumentException when it is empty or not of the form {@code [Nh][Nm][Ns]}
   */
  public static Duration parse(String text) {
    Matcher matcher = text == null ? null : DURATION.matcher(text);
    if (matcher == null || text.isEmpty() || !matcher.matches()) {
      throw new IllegalArgumentException(
          "invalid duration '"
              + text
              + "': use hours, minutes and seconds such as 24h, 90m or 1h30m");
    }
    try {
      return Duration.ofHours(part(matcher.group(1)))
          .plusMinutes(part(matcher.group(2)))
          .plusSeconds(part(matcher.group(3)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("duration '" + text + "' is out of range", e);
    }
  }

  /** {@code duration} in the spec's form, e.g. {@code 1h30m}, {@code 5m}, {@code 0s}. */
  public static String format(Duration duration) {
    StringBuilder text = new StringBuilder();
    if (duration.toHours() > 0) {
      text.append(duration.toHours()).append('h');
    }
    if (duration.toMinutesPart() > 0) {
      text.append(duration.toMinutesPart()).append('m');
    }
    if (duration.toSecondsPart() > 0 || text.length() == 0) {
      text.append(duration.toSecondsPart()).append('s');
    }
    return text.toString();
  }

  private static long part(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
