package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * LocalRejections without I/O: it refuses exactly what the bucket time a refusal revealed refuses.
 */
class LocalRejectionsTest {

  private static final long NOW = 1_764_583_200_000_000_000L;
  private static final BucketKey KEY = new BucketKey("key-1", "api");

  @Test
  void refusesLocallyExactlyWhatTheRevealedBucketTimeRefusesUntilTheRetryAfter() {
    Random random = new Random(11);
    for (int run = 0; run < 20_000; run++) {
      long capacity = 1 + random.nextInt(1_000);
      Limit limit =
          Limit.of(
              "l",
              capacity,
              1 + random.nextInt(1_000),
              Duration.ofMillis(1 + random.nextInt(3_600_000)));
      long tolerance = limit.toleranceNanos();
      long tat = NOW - tolerance + (long) (random.nextDouble() * 3 * tolerance);
      long n = 1 + (long) (random.nextDouble() * capacity);
      if (limit.admits(tat, NOW, n)) {
        continue;
      }
      // What DynamoDB's old item lets BucketWrite answer: the exact wait for n tokens.
      Violation violation =
          new Violation(
              "key-1",
              "api",
              "l",
              capacity,
              limit.available(tat, NOW),
              n,
              Duration.ofNanos(limit.waitNanos(tat, NOW, n)));
      LocalRejections rejections = new LocalRejections(10);
      rejections.refused(
          BucketTake.of(KEY, Map.of("l", n), List.of(limit)), List.of(violation), NOW);
      long until = NOW + violation.retryAfter().toNanos();

      long m = 1 + (long) (random.nextDouble() * capacity);
      long later = NOW + (long) (random.nextDouble() * 1.2 * (until - NOW));
      List<Violation> local =
          rejections.refusal(BucketTake.of(KEY, Map.of("l", m), List.of(limit)), later);
      boolean serverRefuses = !limit.admits(tat, later, m);
      assertThat(!local.isEmpty()).as("run %d", run).isEqualTo(later < until && serverRefuses);
      if (!local.isEmpty()) {
        assertThat(local.get(0).retryAfter())
            .isEqualTo(Duration.ofNanos(limit.waitNanos(tat, later, m)));
      }
    }
  }

  @Test
  void aWriteForgetsAndTheCacheStaysBounded() {
    Limit limit = Limit.perMinute("l", 10);
    Violation violation = new Violation("key-1", "api", "l", 10, 0, 1, Duration.ofSeconds(6));
    LocalRejections rejections = new LocalRejections(2);
    BucketTake take = BucketTake.of(KEY, Map.of("l", 1L), List.of(limit));
    rejections.refused(take, List.of(violation), NOW);
    assertThat(rejections.refusal(take, NOW)).hasSize(1);
    rejections.forget(KEY);
    assertThat(rejections.refusal(take, NOW)).isEmpty();

    for (int i = 0; i < 5; i++) {
      BucketKey other = new BucketKey("key-" + i, "api");
      rejections.refused(
          BucketTake.of(other, Map.of("l", 1L), List.of(limit)),
          List.of(new Violation("key-" + i, "api", "l", 10, 0, 1, Duration.ofSeconds(6))),
          NOW);
    }
    assertThat(rejections.size()).isLessThanOrEqualTo(2);
  }
}
