package dev.limiter.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Compares the limiter's clock with DynamoDB's: every response carries an HTTP {@code Date} header
 * (whole seconds, RFC 1123). The estimate is the limiter's time at the response minus the middle of
 * the header's second, good to about half a second plus the round trip. Sampled at most once a
 * second; each sample goes to the usage listener (a gauge), and the first one beyond {@link
 * #WARN_BEYOND} is logged once as a warning.
 */
final class ClockSkewMonitor {

  /**
   * Skew past which the limiter warns: admissions can exceed the limit by this much refill (see
   * {@link RateLimiter}).
   */
  static final Duration WARN_BEYOND = Duration.ofSeconds(2);

  private static final long SAMPLE_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long HALF_SECOND_NANOS = 500_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final String tableName;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final UsageListener listener;
  private final AtomicLong lastSample = new AtomicLong(Long.MIN_VALUE);
  private final AtomicBoolean warned = new AtomicBoolean();
  private volatile Duration skew;

  ClockSkewMonitor(String tableName, Clock clock, LongSupplier nanoTime, UsageListener listener) {
    this.tableName = tableName;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.listener = listener;
  }

  /** Looks at a response's {@code Date} header, if this is the first response for a second. */
  void observe(SdkHttpResponse response) {
    long now = nanoTime.getAsLong();
    long last = lastSample.get();
    if (response == null
        || (last != Long.MIN_VALUE && now - last < SAMPLE_EVERY_NANOS)
        || !lastSample.compareAndSet(last, now)) {
      return;
    }
    Optional<String> date = response.firstMatchingHeader("Date");
    if (date.isEmpty()) {
      return;
    }
    Instant server;
    try {
      server = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return;
    }
    Duration estimate = Duration.between(server.plusNanos(HALF_SECOND_NANOS), clock.instant());
    skew = estimate;
    listener.onClockSkew(tableName, estimate);
    if (estimate.abs().compareTo(WARN_BEYOND) > 0 && warned.compareAndSet(false, true)) {
      LOG.warn(
          "the clock of this limiter is {} {} DynamoDB's (from the Date header of its responses, ±1"
              + " s); skew lets buckets of limiter table {} admit up to that much refill more than"
              + " their limits: synchronise it (NTP)",
          estimate.abs(),
          estimate.isNegative() ? "behind" : "ahead of",
          tableName);
    }
  }

  /**
   * The latest estimate (positive: the limiter's clock is ahead); empty before the first sample.
   */
  Optional<Duration> skew() {
    return Optional.ofNullable(skew);
  }
}
