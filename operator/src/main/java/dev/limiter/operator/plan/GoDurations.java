package dev.limiter.operator.plan;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the Kubernetes-style durations of the spec ({@code 24h}, {@code 90m}, {@code 1h30m},
 * {@code 45s}, {@code 250ms}). Which units a field accepts is its schema pattern's to say: a
 * limit's period has no milliseconds, a local reservation's window has.
 */
public final class GoDurations {

  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

  private GoDurations() {}

  /**
   * The duration {@code text} denotes.
   *
   * @throws IllegalArgumentException when it is empty or not of the form {@code [Nh][Nm][Ns][Nms]}
   */
  public static Duration parse(String text) {
    Matcher matcher = text == null ? null : DURATION.matcher(text);
    if (matcher == null || text.isEmpty() || !matcher.matches()) {
      throw new IllegalArgumentException(
          "invalid duration '"
              + text
              + "': use hours, minutes, seconds and milliseconds such as 24h, 90m, 1h30m or 250ms");
    }
    try {
      return Duration.ofHours(part(matcher.group(1)))
          .plusMinutes(part(matcher.group(2)))
          .plusSeconds(part(matcher.group(3)))
          .plusMillis(part(matcher.group(4)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("duration '" + text + "' is out of range", e);
    }
  }

  /**
   * {@code duration} in the spec's form, e.g. {@code 1h30m}, {@code 5m}, {@code 0s}, {@code 250ms}
   * (below milliseconds is dropped).
   */
  public static String format(Duration duration) {
    StringBuilder text = new StringBuilder();
    if (duration.toHours() > 0) {
      text.append(duration.toHours()).append('h');
    }
    if (duration.toMinutesPart() > 0) {
      text.append(duration.toMinutesPart()).append('m');
    }
    if (duration.toSecondsPart() > 0 || (text.length() == 0 && duration.toMillisPart() == 0)) {
      text.append(duration.toSecondsPart()).append('s');
    }
    if (duration.toMillisPart() > 0) {
      text.append(duration.toMillisPart()).append("ms");
    }
    return text.toString();
  }

  private static long part(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
