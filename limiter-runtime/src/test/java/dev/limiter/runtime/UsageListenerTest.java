package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Usage accounting through Micrometer: tokens taken, given back and refused, per entity, resource
 * and limit.
 */
class UsageListenerTest {

  private static final List<Limit> LIMITS =
      List.of(Limit.perMinute("rpm", 2), Limit.perMinute("tpm", 10_000));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualClock clock = ManualClock.at("2026-11-24T10:00:00Z");
  private DynamoDbClient client;
  private RateLimiter limiter;

  @BeforeEach
  void setUp() {
    client = DynamoDbLocal.shared().client();
    limiter =
        RateLimiter.builder()
            .client(client)
            .tableName(LimiterTables.create(client))
            .clock(clock)
            .usageListener(
                new MicrometerUsageListener(registry, MicrometerUsageListener.EntityTag.RAW))
            .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @Test
  void countsTakenAdjustedRefundedAndRefused() {
    Lease lease = limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L, "tpm", 500L), LIMITS);
    lease.adjust(Map.of("tpm", 1_500L));
    lease.close();
    limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L, "tpm", 300L), LIMITS).rollback();
    limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), LIMITS).close();
    assertThatThrownBy(() -> limiter.acquire("key-1", "llm-api", Map.of("rpm", 1L), LIMITS))
        .isInstanceOf(RateLimitExceededException.class);

    assertThat(count("limiter.tokens.consumed", "rpm")).isEqualTo(3);
    assertThat(count("limiter.tokens.refunded", "rpm")).isEqualTo(1);
    assertThat(count("limiter.tokens.consumed", "tpm")).isEqualTo(500 + 1_500 + 300);
    assertThat(count("limiter.tokens.refunded", "tpm")).isEqualTo(300);
    assertThat(count("limiter.rejections", "rpm")).isEqualTo(1);
  }

  @Test
  void withoutTheEntityTagEveryEntityCountsTogether() {
    RateLimiter pooled =
        RateLimiter.builder()
            .client(client)
            .tableName(limiter.tableName())
            .clock(clock)
            .usageListener(new MicrometerUsageListener(registry))
            .build();
    pooled.acquire("key-1", "llm-api", Map.of("rpm", 1L), LIMITS).close();
    pooled.acquire("key-2", "llm-api", Map.of("rpm", 1L), LIMITS).close();
    assertThat(
            registry
                .get("limiter.tokens.consumed")
                .tag("entity", "all")
                .tag("limit", "rpm")
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void hashedEntityTagsCountPerEntityWithoutTheId() {
    RateLimiter hashed =
        RateLimiter.builder()
            .client(client)
            .tableName(limiter.tableName())
            .clock(clock)
            .usageListener(
                new MicrometerUsageListener(registry, MicrometerUsageListener.EntityTag.HASHED))
            .build();
    hashed.acquire("sk-live-secret-1", "llm-api", Map.of("rpm", 1L), LIMITS).close();
    hashed.acquire("sk-live-secret-1", "llm-api", Map.of("rpm", 1L), LIMITS).close();
    hashed.acquire("sk-live-secret-2", "llm-api", Map.of("rpm", 1L), LIMITS).close();

    String first = Names.fingerprint("sk-live-secret-1");
    assertThat(first).matches("h:[0-9a-f]{16}").isNotEqualTo(Names.fingerprint("sk-live-secret-2"));
    assertThat(
            registry
                .get("limiter.tokens.consumed")
                .tag("entity", first)
                .tag("limit", "rpm")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(registry.getMeters())
        .flatExtracting(meter -> meter.getId().getTags())
        .allSatisfy(tag -> assertThat(tag.getValue()).doesNotContain("secret"));
  }

  @Test
  void unwrittenAdjustmentsAreCounted() {
    new MicrometerUsageListener(registry, MicrometerUsageListener.EntityTag.RAW)
        .onAdjustmentNotWritten(
            "key-1", "llm-api", Map.of("tpm", -300L), new IllegalStateException("unreachable"));
    assertThat(count("limiter.tokens.unwritten", "tpm")).isEqualTo(300);
  }

  private double count(String name, String limit) {
    return registry
        .get(name)
        .tag("entity", "key-1")
        .tag("resource", "llm-api")
        .tag("limit", limit)
        .counter()
        .count();
  }
}
