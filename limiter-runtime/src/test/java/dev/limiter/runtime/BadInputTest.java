package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.testkit.DynamoDbLocal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Every bad argument and every malformed item gets a clear, typed error and changes nothing. */
class BadInputTest {

  private static final List<Limit> LIMITS =
      List.of(Limit.perMinute("rpm", 10), Limit.perMinute("tpm", 1000));

  private static DynamoDbClient client;
  private RateLimiter limiter;
  private String table;

  @BeforeAll
  static void client() {
    client = DynamoDbLocal.shared().client();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @BeforeEach
  void table() {
    table = LimiterTables.create(client);
    limiter = RateLimiter.builder().client(client).tableName(table).build();
  }

  static Stream<Arguments> badArguments() {
    Map<String, Long> withNull = new HashMap<>();
    withNull.put("rpm", null);
    return Stream.of(
        Arguments.of(
            "entity with #", "key#1", "api", Map.of("rpm", 1L), LIMITS, "invalid entity id"),
        Arguments.of("empty entity", "", "api", Map.of("rpm", 1L), LIMITS, "invalid entity id"),
        Arguments.of("null entity", null, "api", Map.of("rpm", 1L), LIMITS, "invalid entity id"),
        Arguments.of(
            "control character", "key\n1", "api", Map.of("rpm", 1L), LIMITS, "invalid entity id"),
        Arguments.of(
            "long entity", "k".repeat(257), "api", Map.of("rpm", 1L), LIMITS, "invalid entity id"),
        // Both would be written as "key-?" in UTF-8 and share one bucket.
        Arguments.of(
            "unpaired high surrogate",
            "key-\uD83D",
            "api",
            Map.of("rpm", 1L),
            LIMITS,
            "malformed UTF-16"),
        Arguments.of(
            "unpaired low surrogate",
            "key-\uDE00",
            "api",
            Map.of("rpm", 1L),
            LIMITS,
            "malformed UTF-16"),
        Arguments.of(
            "reversed surrogate pair",
            "key-\uDE00\uD83D",
            "api",
            Map.of("rpm", 1L),
            LIMITS,
            "malformed UTF-16"),
        Arguments.of(
            "resource with space",
            "key-1",
            "my api",
            Map.of("rpm", 1L),
            LIMITS,
            "invalid resource"),
        Arguments.of(
            "zero tokens", "key-1", "api", Map.of("rpm", 0L), LIMITS, "must be at least 1, got 0"),
        Arguments.of(
            "negative tokens",
            "key-1",
            "api",
            Map.of("rpm", -3L),
            LIMITS,
            "must be at least 1, got -3"),
        Arguments.of(
            "null tokens", "key-1", "api", withNull, LIMITS, "must be at least 1, got null"),
        Arguments.of(
            "unknown limit", "key-1", "api", Map.of("rph", 1L), LIMITS, "unknown limit 'rph'"),
        Arguments.of(
            "nothing consumed",
            "key-1",
            "api",
            Map.of(),
            LIMITS,
            "consume must name at least one limit"),
        Arguments.of(
            "no limits", "key-1", "api", Map.of("rpm", 1L), List.of(), "at least one limit"),
        Arguments.of(
            "duplicate limits",
            "key-1",
            "api",
            Map.of("rpm", 1L),
            List.of(Limit.perMinute("rpm", 1), Limit.perSecond("rpm", 1)),
            "given twice"),
        Arguments.of(
            "above capacity",
            "key-1",
            "api",
            Map.of("tpm", 1001L),
            LIMITS,
            "can never be admitted"),
        Arguments.of(
            "item over 1 KB", "key-1", "api", Map.of("l0", 1L), manyLimits(), "under 1024 bytes"));
  }

  private static List<Limit> manyLimits() {
    List<Limit> limits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      limits.add(Limit.perMinute("l" + i + "-" + "x".repeat(40), 10));
    }
    limits.add(Limit.perMinute("l0", 10));
    return limits;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  void badArgumentsAreRefusedBeforeAnyCall(
      String caseName,
      String entity,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      String message) {
    assertThatThrownBy(() -> limiter.acquire(entity, resource, consume, limits))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
    assertThatThrownBy(() -> limiter.acquireAsync(entity, resource, consume, limits))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
    assertThat(client.scan(b -> b.tableName(table)).count()).isZero();
  }

  @Test
  void entityIdsBeyondTheBasicPlaneHaveTheirOwnBuckets() {
    List<Limit> one = List.of(Limit.perMinute("rpm", 1));
    limiter.acquire("key-\uD83D\uDE00", "api", Map.of("rpm", 1L), one).close();
    limiter.acquire("key-\uD83D\uDE01", "api", Map.of("rpm", 1L), one).close();
    assertThat(client.scan(b -> b.tableName(table)).count()).as("two buckets").isEqualTo(2);
  }

  @Test
  void requestAboveCapacityNamesTheLimit() {
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("tpm", 5000L), LIMITS))
        .isInstanceOfSatisfying(
            RequestExceedsCapacityException.class,
            e -> {
              assertThat(e.limitName()).isEqualTo("tpm");
              assertThat(e.capacity()).isEqualTo(1000);
              assertThat(e.requested()).isEqualTo(5000);
            });
  }

  static Stream<Arguments> malformedItems() {
    return Stream.of(
        Arguments.of(
            "foreign item without kind",
            Map.of("owner", AttributeValue.fromS("someone else")),
            "is not a limiter bucket"),
        Arguments.of(
            "other kind",
            Map.of("kind", AttributeValue.fromS("entity")),
            "is not a limiter bucket"),
        Arguments.of(
            "time as string",
            Map.of("kind", AttributeValue.fromS("bucket"), "t:rpm", AttributeValue.fromS("soon")),
            "must be a number"),
        Arguments.of(
            "time as a number set",
            Map.of(
                "kind",
                AttributeValue.fromS("bucket"),
                "t:rpm",
                AttributeValue.fromNs(List.of("1", "2"))),
            "must be a number"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedItems")
  void malformedItemsAreReportedAndLeftUntouched(
      String caseName, Map<String, AttributeValue> attributes, String message) {
    Map<String, AttributeValue> item = new HashMap<>(LimiterTableSchema.bucketKey("key-1", "api"));
    item.putAll(attributes);
    client.putItem(b -> b.tableName(table).item(item));

    assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("rpm", 1L), LIMITS))
        .isInstanceOf(MalformedItemException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("E#key-1/B#api");
    assertThatThrownBy(() -> limiter.available("key-1", "api", LIMITS))
        .isInstanceOf(MalformedItemException.class)
        .hasMessageContaining(message);
    // A busy-branch guess (from the cache) must be refused the same way.
    assertThatThrownBy(() -> limiter.acquire("key-1", "api", Map.of("rpm", 1L), LIMITS))
        .isInstanceOf(MalformedItemException.class);
    assertThat(
            client
                .getItem(b -> b.tableName(table).key(LimiterTableSchema.bucketKey("key-1", "api")))
                .item())
        .isEqualTo(item);
  }

  @Test
  void builderRefusesMissingPieces() {
    assertThatThrownBy(() -> RateLimiter.builder().tableName("limits").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DynamoDbClient or a DynamoDbAsyncClient");
    assertThatThrownBy(() -> RateLimiter.builder().client(client).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tableName");
    assertThatThrownBy(() -> RateLimiter.builder().client(client).tableName("x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid DynamoDB table name");
    assertThatThrownBy(
            () -> RateLimiter.builder().client(client).tableName("limits").cacheSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache size");
  }
}
