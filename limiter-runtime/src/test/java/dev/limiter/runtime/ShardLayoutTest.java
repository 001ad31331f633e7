package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Splitting limits over shards: exact shares, remainders, unusable shards, the transition layout.
 */
class ShardLayoutTest {

  private static final Limit RPM = Limit.of("rpm", 1_003, 997, Duration.ofMinutes(1));

  @Test
  void sharesAddUpToExactlyTheLimitWithRemaindersOnTheLowestShards() {
    for (int shards = 1; shards <= 16; shards++) {
      ShardLayout layout = ShardLayout.steady(shards);
      long capacity = 0;
      long refill = 0;
      for (int k = 0; k < shards; k++) {
        Limit share = layout.share(List.of(RPM), k).get(0);
        capacity += share.capacity();
        refill += share.refillAmount();
        assertThat(share.capacity()).isBetween(1_003L / shards, 1_003L / shards + 1);
        assertThat(share.refillPeriod()).isEqualTo(RPM.refillPeriod());
      }
      assertThat(capacity).as("capacity over %d shards", shards).isEqualTo(1_003);
      assertThat(refill).as("refill over %d shards", shards).isEqualTo(997);
    }
    ShardLayout eight = ShardLayout.steady(8);
    assertThat(eight.share(List.of(RPM), 0).get(0).capacity()).isEqualTo(126);
    assertThat(eight.share(List.of(RPM), 2).get(0).capacity()).isEqualTo(126);
    assertThat(eight.share(List.of(RPM), 3).get(0).capacity()).isEqualTo(125);
  }

  @Test
  void shardsWhoseShareWouldBeZeroAreNotUsed() {
    ShardLayout layout = ShardLayout.steady(8);
    assertThat(layout.usableWith(List.of(Limit.of("tiny", 5, 100, Duration.ofSeconds(1)))))
        .isEqualTo(5);
    assertThat(layout.usableWith(List.of(Limit.of("slow", 100, 3, Duration.ofSeconds(1)))))
        .isEqualTo(3);
    assertThat(layout.usableWith(List.of(RPM))).isEqualTo(8);
  }

  @Test
  void aChangeUsesTheSharedShardsWithTheSmallerShares() {
    assertThat(ShardLayout.transitional(4, 8)).isEqualTo(new ShardLayout(4, 8));
    assertThat(ShardLayout.transitional(8, 4)).isEqualTo(new ShardLayout(4, 8));
    // The bound holds because a shard's share never grows with the divisor.
    for (int smaller = 1; smaller < 12; smaller++) {
      for (int larger = smaller; larger <= 12; larger++) {
        for (int k = 0; k < smaller; k++) {
          assertThat(ShardLayout.steady(larger).share(List.of(RPM), k).get(0).capacity())
              .isLessThanOrEqualTo(
                  ShardLayout.steady(smaller).share(List.of(RPM), k).get(0).capacity());
        }
      }
    }
  }

  @Test
  void theTransitionOutlastsTheLongestCache() {
    assertThat(ShardLayout.TRANSITION).isGreaterThan(RateLimiter.MAX_LIMITS_CACHE_TTL);
  }
}
