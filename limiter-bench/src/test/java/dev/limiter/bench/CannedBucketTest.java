package dev.limiter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * {@link CannedBucket} answers a bucket write's UpdateItem as DynamoDB does, sent through the SDK
 * (so the JSON is the SDK's): the idle and busy branches and a reservation's {@code r} applied to
 * the item with every operand read before the update, a failed condition answered with the old item
 * and nothing written, and a request it does not model refused loudly.
 */
class CannedBucketTest {

  private static final String TABLE = "limiter-bench";
  private static final Map<String, AttributeValue> KEY =
      Map.of("pk", AttributeValue.fromS("E#api-key-1"), "sk", AttributeValue.fromS("B#orders"));
  private static final String COMMON =
      "SET #kind = :kind, #pw = if_not_exists(#lw, :none), #lw = :w, #ttl = :ttl";
  private static final String IDLE = "(attribute_not_exists(#t0) OR #t0 <= :now)";
  private static final String BUSY = "#t0 > :now AND #t0 <= :m0";

  private final CannedBucket bucket = new CannedBucket(TABLE);
  private final CannedDynamoDb http = new CannedDynamoDb().answer("UpdateItem", bucket);
  private final DynamoDbClient client = http.oneAttemptClient();

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void anIdleWriteThenABusyReservationFollowTheItem() {
    UpdateItemResponse idle =
        client.updateItem(
            write("w1", COMMON + ", #t0 = :v0", IDLE, Map.of(":now", 1_000, ":v0", 1_002)));

    assertThat(idle.attributes())
        .containsOnlyKeys("kind", "pw", "lw", "ttl", "t:limit-0")
        .containsEntry("t:limit-0", AttributeValue.fromN("1002"))
        .containsEntry("pw", AttributeValue.fromS("-"))
        .containsEntry("lw", AttributeValue.fromS("w1"));

    UpdateItemResponse reserved =
        client.updateItem(
            write(
                "w2",
                COMMON + ", #t0 = #t0 + :c0, #r0 = #t0 + :c0",
                BUSY,
                Map.of(":now", 1_001, ":c0", 100, ":m0", 5_000)));

    // r is computed from t before the update, as every operand of the expression.
    assertThat(reserved.attributes())
        .containsEntry("t:limit-0", AttributeValue.fromN("1102"))
        .containsEntry("r:limit-0", AttributeValue.fromN("1102"))
        .containsEntry("pw", AttributeValue.fromS("w1"))
        .containsEntry("lw", AttributeValue.fromS("w2"));
    assertThat(bucket.attribute("t:limit-0")).isEqualTo("1102");
    assertThat(bucket.applied()).isEqualTo(2);
    assertThat(bucket.conditionFailures()).isZero();
  }

  @Test
  void aMisguessedBranchFailsItsConditionWithTheOldItemAndWritesNothing() {
    client.updateItem(
        write("w1", COMMON + ", #t0 = :v0", IDLE, Map.of(":now", 1_000, ":v0", 1_002)));

    // Busy guessed, but the bucket's time (1,002) has passed by 2,000: DynamoDB refuses it.
    assertThatThrownBy(
            () ->
                client.updateItem(
                    write(
                        "w2",
                        COMMON + ", #t0 = #t0 + :c0",
                        BUSY,
                        Map.of(":now", 2_000, ":c0", 2, ":m0", 9_000))))
        .isInstanceOfSatisfying(
            ConditionalCheckFailedException.class,
            failed ->
                assertThat(failed.item())
                    .containsEntry("t:limit-0", AttributeValue.fromN("1002"))
                    .containsEntry("lw", AttributeValue.fromS("w1"))
                    .containsEntry("pk", AttributeValue.fromS("E#api-key-1")));
    assertThat(bucket.attribute("lw")).isEqualTo("w1");
    assertThat(bucket.applied()).isEqualTo(1);
    assertThat(bucket.conditionFailures()).isEqualTo(1);
  }

  @Test
  void aRequestItDoesNotModelIsRefusedLoudly() {
    String update =
        "{\"TableName\":\"limiter-bench\",\"Key\":{\"pk\":{\"S\":\"E#api-key-1\"}},"
            + "\"ReturnValues\":\"UPDATED_NEW\",\"UpdateExpression\":\"%s\","
            + "\"ExpressionAttributeNames\":{\"#t0\":\"t:limit-0\"},"
            + "\"ExpressionAttributeValues\":{\":c0\":{\"N\":\"1\"}}}";

    assertThatThrownBy(() -> answer(update.formatted("ADD #t0 :c0")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("an update this bucket does not model: ADD #t0 :c0");
    assertThatThrownBy(() -> answer(update.formatted("SET #t0 = #t0 * :c0")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not model");
    assertThatThrownBy(
            () -> answer(update.formatted("SET #t0 = :c0").replace("UPDATED_NEW", "ALL_NEW")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ReturnValues ALL_NEW");
    assertThatThrownBy(() -> answer(update.formatted("SET #t0 = :c0").replace("\"1\"", "\"1.5\"")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a number this bucket does not model: 1.5");
    assertThat(bucket.applied()).isZero();

    answer(update.formatted("SET #t0 = :c0"));
    assertThatThrownBy(
            () -> answer(update.formatted("SET #t0 = :c0").replace("api-key-1", "api-key-2")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not the one bucket item");
    assertThatThrownBy(
            () ->
                answer(
                    (update
                        .formatted("SET #t0 = :c0")
                        .replace(
                            "\"ReturnValues\"",
                            "\"ReturnConsumedCapacity\":\"TOTAL\"," + "\"ReturnValues\""))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no field ReturnConsumedCapacity");
    assertThat(bucket.applied()).isEqualTo(1);
  }

  /**
   * A bucket write of limit {@code limit-0} as the limiter sends it, its numbers {@code numbers}.
   */
  private static UpdateItemRequest write(
      String writeId, String update, String branch, Map<String, Integer> numbers) {
    Map<String, AttributeValue> values = new HashMap<>();
    numbers.forEach((name, value) -> values.put(name, AttributeValue.fromN(value.toString())));
    values.put(":kind", AttributeValue.fromS("bucket"));
    values.put(":none", AttributeValue.fromS("-"));
    values.put(":w", AttributeValue.fromS(writeId));
    values.put(":ttl", AttributeValue.fromN("60"));
    Map<String, String> names =
        new HashMap<>(
            Map.of(
                "#pk",
                "pk",
                "#kind",
                "kind",
                "#lw",
                "lw",
                "#pw",
                "pw",
                "#ttl",
                "ttl",
                "#t0",
                "t:limit-0"));
    if (update.contains("#r0")) {
      names.put("#r0", "r:limit-0");
    }
    return UpdateItemRequest.builder()
        .tableName(TABLE)
        .key(KEY)
        .updateExpression(update)
        .conditionExpression(
            "(attribute_not_exists(#pk) OR #kind = :kind) AND (attribute_not_exists(#ttl) OR"
                + " #ttl <= :ttl) AND "
                + branch)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .returnValues(ReturnValue.UPDATED_NEW)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
  }

  /** {@code json} answered from a buffer longer than it, as the canned client hands it over. */
  private CannedDynamoDb.Answer answer(String json) {
    byte[] body = Arrays.copyOf(json.getBytes(StandardCharsets.UTF_8), 8192);
    return bucket.answer(body, json.getBytes(StandardCharsets.UTF_8).length);
  }
}
