package dev.limiter.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

class AwsFailuresTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  void busyTableIsDeferredBriefly() {
    AwsFailures.Failure failure =
        AwsFailures.classify(
            "switch billing mode",
            ResourceInUseException.builder().message("Table is being updated").build(),
            NOW);
    assertThat(failure)
        .isInstanceOfSatisfying(
            AwsFailures.Deferred.class,
            d -> {
              assertThat(d.deferral().until()).isEqualTo(NOW.plusSeconds(30));
              assertThat(d.deferral().reason()).isEqualTo("TableBusy");
            });
  }

  @Test
  void quotaIsDeferredToTheTimeAwsNames() {
    String message =
        "Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 24"
            + " hours. Next update can be made at 2026-11-23T03:15:20.123Z";
    AwsFailures.Failure failure =
        AwsFailures.classify(
            "switch billing mode", LimitExceededException.builder().message(message).build(), NOW);
    assertThat(failure)
        .isInstanceOfSatisfying(
            AwsFailures.Deferred.class,
            d -> {
              assertThat(d.deferral().until()).isEqualTo(Instant.parse("2026-11-23T03:15:20.123Z"));
              assertThat(d.deferral().message())
                  .contains("switch billing mode deferred until 2026-11-23T03:15:20.123Z");
            });
  }

  @Test
  void awsHumanReadableTimesAreUnderstood() {
    assertThat(
            AwsFailures.nextAllowed(
                "Subscriber limit exceeded: Update to PayPerRequest mode are limited to once in 1"
                    + " day(s). Last update at Sat Feb 23 03:07:45 UTC 2019. Next update can be"
                    + " made at Sun Feb 24 03:07:45 UTC 2019"))
        .contains(Instant.parse("2019-02-24T03:07:45Z"));
    assertThat(
            AwsFailures.nextAllowed(
                "Subscriber limit exceeded: Provisioned throughput decreases are limited within a"
                    + " given UTC day. Number of decreases today: 4. Last decrease at Monday,"
                    + " February 13, 2023 at 10:25:39 AM Coordinated Universal Time. Next decrease"
                    + " can be made at Monday, February 13, 2023 at 11:25:39 AM Coordinated"
                    + " Universal Time"))
        .contains(Instant.parse("2023-02-13T11:25:39Z"));
    assertThat(AwsFailures.nextAllowed("Next update can be made at 2026-11-23T03:15:20Z."))
        .contains(Instant.parse("2026-11-23T03:15:20Z"));
    assertThat(AwsFailures.nextAllowed("Next update can be made at some point")).isEmpty();
    // The SDK appends request details to an exception's message.
    assertThat(
            AwsFailures.nextAllowed(
                "Next update can be made at 2026-11-23T03:15:20Z (Service: DynamoDb, Status Code:"
                    + " 400, Request ID: X)"))
        .contains(Instant.parse("2026-11-23T03:15:20Z"));
  }

  @Test
  void quotaWithoutATimeOrWithAPastOneIsRetriedLater() {
    AwsFailures.Failure noTime =
        AwsFailures.classify(
            "decrease", LimitExceededException.builder().message("too many").build(), NOW);
    assertThat(noTime)
        .isInstanceOfSatisfying(
            AwsFailures.Deferred.class,
            d -> assertThat(d.deferral().until()).isEqualTo(NOW.plus(AwsFailures.QUOTA_RETRY)));
    AwsFailures.Failure past =
        AwsFailures.classify(
            "decrease",
            LimitExceededException.builder()
                .message("Next decrease can be made at 2026-11-22T11:00:00Z")
                .build(),
            NOW);
    assertThat(past)
        .isInstanceOfSatisfying(
            AwsFailures.Deferred.class,
            d -> assertThat(d.deferral().until()).isEqualTo(NOW.plus(AwsFailures.QUOTA_RETRY)));
  }

  @Test
  void validationErrorsAreTerminal() {
    DynamoDbException validation =
        (DynamoDbException)
            DynamoDbException.builder()
                .message("One or more parameter values were invalid")
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ValidationException")
                        .errorMessage("One or more parameter values were invalid")
                        .build())
                .build();
    assertThat(AwsFailures.classify("create table", validation, NOW))
        .isEqualTo(
            new AwsFailures.Terminal(
                "InvalidSpec",
                "create table was refused by AWS: One or more parameter values were invalid"));
  }

  @Test
  void outagesAndThrottlingAreTransient() {
    DynamoDbException throttled =
        (DynamoDbException)
            DynamoDbException.builder()
                .message("slow down")
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build())
                .build();
    assertThat(AwsFailures.classify("describe", throttled, NOW))
        .isInstanceOf(AwsFailures.Transient.class);
    DynamoDbException serverError =
        (DynamoDbException) DynamoDbException.builder().message("oops").statusCode(500).build();
    assertThat(AwsFailures.classify("describe", serverError, NOW))
        .isInstanceOf(AwsFailures.Transient.class);
    assertThat(
            AwsFailures.classify("describe", SdkClientException.create("connection refused"), NOW))
        .isInstanceOfSatisfying(
            AwsFailures.Transient.class, t -> assertThat(t.reason()).isEqualTo("AwsUnreachable"));
  }

  @Test
  void aScalingTargetChangedBetweenObserveAndActIsRetried() {
    AwsFailures.Failure failure =
        AwsFailures.classify(
            "deregister",
            ObjectNotFoundException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ObjectNotFoundException")
                        .errorMessage("No scalable target registered")
                        .build())
                .build(),
            Instant.parse("2026-11-24T12:00:00Z"));
    assertThat(failure)
        .isEqualTo(
            new AwsFailures.Transient(
                "AwsConflict",
                "deregister raced another change, will retry: No scalable target registered"));
  }

  @Test
  void aCloudWatchQuotaIsADeferralNotAnInvalidSpec() {
    AwsFailures.Failure failure =
        AwsFailures.classify(
            "put alarm x",
            software.amazon.awssdk.services.cloudwatch.model.LimitExceededException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("LimitExceeded")
                        .errorMessage("The maximum allowed number of alarms has been reached")
                        .build())
                .build(),
            Instant.parse("2026-11-24T12:00:00Z"));
    assertThat(failure)
        .isInstanceOfSatisfying(
            AwsFailures.Deferred.class,
            deferred -> {
              assertThat(deferred.deferral().reason()).isEqualTo("AwsQuota");
              assertThat(deferred.deferral().until())
                  .isEqualTo(Instant.parse("2026-11-24T12:15:00Z"));
            });
  }
}
