package dev.limiter.operator.plan.automation;

import dev.limiter.operator.plan.AwsFailures;
import java.util.Optional;

/**
 * What observing one AWS service gave: a value, or the classified failure that prevented it. Lets a
 * pass go on with the other services when one cannot be reached.
 *
 * @param value the observation; null when it failed
 * @param failure why it failed; null when it succeeded
 * @param <T> the observation's type
 */
public record Reading<T>(T value, AwsFailures.Failure failure) {

  /** A successful reading. */
  public static <T> Reading<T> of(T value) {
    return new Reading<>(value, null);
  }

  /** A failed reading. */
  public static <T> Reading<T> failed(AwsFailures.Failure failure) {
    return new Reading<>(null, failure);
  }

  /** The failure, if the reading failed. */
  public Optional<AwsFailures.Failure> failed() {
    return Optional.ofNullable(failure);
  }
}
