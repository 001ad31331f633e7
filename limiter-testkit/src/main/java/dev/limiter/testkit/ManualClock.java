package dev.limiter.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that stands still until a test moves it. Thread-safe. */
public final class ManualClock extends Clock {

  private volatile Instant now;

  private ManualClock(Instant start) {
    this.now = start;
  }

  /** A clock at {@code isoInstant}, e.g. {@code 2026-11-22T10:00:00Z}. */
  public static ManualClock at(String isoInstant) {
    return new ManualClock(Instant.parse(isoInstant));
  }

  /** Moves the clock by {@code amount} (back for a negative one) and returns the new time. */
  public synchronized Instant advance(Duration amount) {
    now = now.plus(amount);
    return now;
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a ManualClock is always UTC");
  }
}
