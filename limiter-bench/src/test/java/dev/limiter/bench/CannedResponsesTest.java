package dev.limiter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.runtime.Lease;
import dev.limiter.runtime.ReservationStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The benchmark's canned answers are the ones an admitted call gets, so that it measures the
 * admitted path and not an error: each engine admits through them with the calls it makes against
 * DynamoDB, and the request it sent is the expected one.
 */
class CannedResponsesTest {

  @Test
  void oursAdmitsWithOneUpdateItemOfItsBucket() {
    try (OursOnCannedDynamoDb ours = new OursOnCannedDynamoDb(1)) {
      Lease lease = ours.acquire();

      assertThat(lease.enforced()).isTrue();
      assertThat(lease.consumed()).isEqualTo(Map.of("limit-0", 1L));
      assertThat(ours.http().calls("UpdateItem")).isEqualTo(1);
      CannedDynamoDb.Request update = ours.http().lastRequest("UpdateItem").orElseThrow();
      assertThat(update.http().firstMatchingHeader("X-Amz-Target"))
          .contains("DynamoDB_20120810.UpdateItem");
      assertThat(update.body())
          .contains("\"TableName\":\"" + OursOnCannedDynamoDb.TABLE + "\"")
          .contains("\"pk\":{\"S\":\"E#" + OursOnCannedDynamoDb.ENTITY + "\"}")
          .contains("\"sk\":{\"S\":\"B#" + OursOnCannedDynamoDb.RESOURCE + "\"}")
          .contains("\"#t0\":\"t:limit-0\"")
          .contains("#t0 = :v0")
          .contains("(attribute_not_exists(#t0) OR #t0 <= :now)")
          .contains("\"ReturnValues\":\"UPDATED_NEW\"")
          .doesNotContain("#t1");
    }
  }

  @Test
  void oursTakesEveryOneOfFiveLimitsInTheSameUpdateItem() {
    try (OursOnCannedDynamoDb ours = new OursOnCannedDynamoDb(5)) {
      Lease first = ours.acquire();
      Lease second = ours.acquire();

      assertThat(first.enforced()).isTrue();
      assertThat(second.consumed()).hasSize(5).containsEntry("limit-4", 1L);
      assertThat(ours.http().calls("UpdateItem")).isEqualTo(2);
      assertThat(ours.http().lastRequest("UpdateItem").orElseThrow().body())
          .contains("\"#t0\":\"t:limit-0\"")
          .contains("\"#t4\":\"t:limit-4\"")
          .contains("#t4 = :v4")
          .contains("(attribute_not_exists(#t4) OR #t4 <= :now)");
    }
  }

  @Test
  void oursOverTheEnvironmentsClientsAdmitsWithOneUpdateItemPerAcquire() {
    try (OursOnCannedDynamoDb ours = OursOnCannedDynamoDb.withEnvironmentClients(1)) {
      assertThat(ours.acquire().enforced()).isTrue();
      assertThat(ours.acquire().enforced()).isTrue();
      assertThat(ours.http().calls("UpdateItem")).isEqualTo(2);
      assertThat(ours.http().lastRequest("UpdateItem").orElseThrow().body())
          .contains("\"#t0\":\"t:limit-0\"");
    }
  }

  @Test
  void oursWithABucketWriteClientAdmitsWithOneUpdateItemPerAcquire() {
    try (OursOnCannedDynamoDb ours = OursOnCannedDynamoDb.withBucketWriteClient(1)) {
      assertThat(ours.acquire().enforced()).isTrue();
      assertThat(ours.acquire().enforced()).isTrue();
      assertThat(ours.http().calls("UpdateItem")).isEqualTo(2);
    }
  }

  @Test
  void oursOverACannedBucketAdmitsWithOneUpdateItemPerAcquireOnTheIdleBranch() {
    try (OursOnCannedDynamoDb ours = OursOnCannedDynamoDb.withCannedBucket(1)) {
      for (int i = 0; i < 3; i++) {
        assertThat(ours.acquire().enforced()).isTrue();
      }
      assertThat(ours.http().calls("UpdateItem")).isEqualTo(3);
      assertThat(ours.http().lastRequest("UpdateItem").orElseThrow().body())
          .contains("#t0 = :v0")
          .contains("(attribute_not_exists(#t0) OR #t0 <= :now)");
    }
  }

  @Test
  void oursAsyncAdmitsThroughTheSameAnswer() {
    try (OursOnCannedDynamoDb ours = new OursOnCannedDynamoDb(1)) {
      assertThat(ours.acquireAsync().join().enforced()).isTrue();
      assertThat(ours.http().calls("UpdateItem")).isEqualTo(1);
    }
  }

  @Test
  void oursOnAHotKeyWithReservationAdmitsMostAcquiresLocally() {
    int acquires = 2_000;
    try (OursHotKeyOnCannedBucket ours = new OursHotKeyOnCannedBucket()) {
      for (int i = 0; i < acquires; i++) {
        assertThat(ours.acquire().enforced()).isTrue();
      }

      ReservationStats stats = ours.reservationStats();
      long writes = ours.http().calls("UpdateItem");
      assertThat(stats.localAdmissions()).isGreaterThanOrEqualTo(acquires * 95L / 100);
      // Every acquire was admitted locally or by one write of its own, each its first attempt.
      assertThat(stats.localAdmissions() + stats.reservationWrites() + stats.plainWrites())
          .isEqualTo(acquires);
      assertThat(writes).isEqualTo(stats.reservationWrites() + stats.plainWrites());
      assertThat(ours.bucket().conditionFailures()).isZero();
      assertThat(stats.refusedReservations()).isZero();
      // The first acquire, with no rate observed yet, is the one plain write.
      assertThat(stats.plainWrites()).isEqualTo(1);
      // A reserving write takes its own token and 0.1 x 500 = 50 more: 102 ms of bucket time from
      // its acquire, which serves acquires 2.5 ms apart while their 2 ms slices end within it, 41
      // of them. So 1 + ceil(1,999 / 41) = 50 writes, and never fewer than one per 51 tokens.
      assertThat(writes).isBetween((long) Math.ceil(acquires / 51.0), 50L);
      assertThat(ours.http().lastRequest("UpdateItem").orElseThrow().body())
          .contains("\"#r0\":\"r:limit-0\"");
    }
  }

  @Test
  void theSdkFloorSendsOursOneLimitRequestWithAndWithoutTheRetryPlugin() {
    try (BareSdkOnCannedDynamoDb sdk = new BareSdkOnCannedDynamoDb(1);
        OursOnCannedDynamoDb ours = new OursOnCannedDynamoDb(1)) {
      ours.acquire();
      String oursBody = ours.http().lastRequest("UpdateItem").orElseThrow().body();

      assertThat(sdk.asSent().overrideConfiguration().orElseThrow().plugins()).hasSize(1);
      assertThat(sdk.withoutOverride().overrideConfiguration()).isEmpty();
      for (UpdateItemRequest request : List.of(sdk.asSent(), sdk.withoutOverride())) {
        UpdateItemResponse response = sdk.send(request);
        assertThat(response.attributes()).containsKey("t:limit-0");
        // Ours' request but for its write id and time, which differ per acquire.
        assertThat(variable(sdk.http().lastRequest("UpdateItem").orElseThrow().body()))
            .isEqualTo(variable(oursBody));
      }
      assertThat(sdk.http().calls("UpdateItem")).isEqualTo(2);
    }
  }

  /** A request body with its numbers and write id blanked. */
  private static String variable(String body) {
    return body.replaceAll("\"N\":\"\\d+\"", "\"N\":\"#\"")
        .replaceAll("(\":w\":\\{\"S\":\")[0-9a-z]+", "$1#");
  }

  @Test
  void bucket4jSwapsTheStateItReadWithAConditionalPut() {
    try (Bucket4jOnCannedDynamoDb bucket4j = new Bucket4jOnCannedDynamoDb()) {
      long gets = bucket4j.http().calls("GetItem");
      long puts = bucket4j.http().calls("PutItem");

      assertThat(bucket4j.tryConsume()).isTrue();

      assertThat(bucket4j.http().calls("GetItem")).isEqualTo(gets + 1);
      assertThat(bucket4j.http().calls("PutItem")).isEqualTo(puts + 1);
      assertThat(bucket4j.http().lastRequest("GetItem").orElseThrow().body())
          .contains("\"ConsistentRead\":true")
          .contains("\"TableName\":\"" + Bucket4jOnCannedDynamoDb.TABLE + "\"");
      // The swap of an existing state (the canned one), not the creation of a new bucket.
      assertThat(bucket4j.http().lastRequest("PutItem").orElseThrow().body())
          .contains("#state = :original")
          .doesNotContain("attribute_not_exists");
    }
  }

  @Test
  void anOperationWithoutAnAnswerFailsAsDynamoDbRefusesARequest() {
    CannedDynamoDb http = new CannedDynamoDb().answer("UpdateItem", "{}");

    assertThatThrownBy(
            () ->
                http.client()
                    .getItem(GetItemRequest.builder().tableName("t").key(Map.of()).build()))
        .isInstanceOf(DynamoDbException.class)
        .satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(400));
    assertThat(http.calls("GetItem")).isEqualTo(1);
  }
}
