package dev.limiter.operator.plan;

import dev.limiter.operator.api.ConditionReasons;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * What a failed AWS call means for the reconcile pass. Pure.
 *
 * <ul>
 *   <li>{@code ResourceInUseException} (table busy) and {@code LimitExceededException} (a quota,
 *       e.g. billing-mode switches or throughput decreases) are deferrals with a computed time,
 *       never hot loops; AWS's "Next update can be made at …" is used when the message has it;
 *   <li>validation errors are the spec's fault: terminal, reported as {@code InvalidSpec};
 *   <li>network errors, throttling and 5xx are transient: retried with backoff, as are Application
 *       Auto Scaling's {@code ConcurrentUpdateException} and {@code ObjectNotFoundException}
 *       (someone changed the target between observe and act; the next pass observes again).
 * </ul>
 */
public final class AwsFailures {

  /** Retry delay for a busy table. */
  public static final Duration BUSY_RETRY = Duration.ofSeconds(30);

  /** Retry delay for a quota whose message names no time. */
  public static final Duration QUOTA_RETRY = Duration.ofMinutes(15);

  private static final Pattern NEXT_UPDATE =
      Pattern.compile(
          "[Nn]ext (?:update|decrease) can be made at (.+?)\\.?\\s*(?:\\(Service:.*)?$");

  /** The forms AWS has used: ISO, Java's Date.toString, and a long English form. */
  private static final List<DateTimeFormatter> AWS_TIMES =
      List.of(
          DateTimeFormatter.ISO_INSTANT,
          DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss zzz yyyy", Locale.ENGLISH),
          DateTimeFormatter.ofPattern("EEEE, MMMM d, yyyy 'at' h:mm:ss a zzzz", Locale.ENGLISH));

  /**
   * Quota error codes of Application Auto Scaling and CloudWatch (DynamoDB's has its own type
   * above).
   */
  private static final Set<String> QUOTAS = Set.of("LimitExceededException", "LimitExceeded");

  /** Error codes of a change that raced another one; observing again resolves them. */
  private static final Set<String> RACES =
      Set.of("ConcurrentUpdateException", "ObjectNotFoundException");

  private AwsFailures() {}

  /** The meaning of one failure. */
  public sealed interface Failure {
    /** A CamelCase reason for conditions and events. */
    String reason();

    /** What failed and why, for people. */
    String message();
  }

  /** Try again at {@code deferral.until()}; not an error. */
  public record Deferred(Deferral deferral) implements Failure {
    @Override
    public String reason() {
      return deferral.reason();
    }

    @Override
    public String message() {
      return deferral.message();
    }
  }

  /** The spec asks for something AWS refuses; retrying will not help. */
  public record Terminal(String reason, String message) implements Failure {}

  /** AWS could not be reached or answered with a server-side error; retry with backoff. */
  public record Transient(String reason, String message) implements Failure {}

  /** Classifies {@code failure} of a call made for {@code what} at {@code now}. */
  public static Failure classify(String what, Throwable failure, Instant now) {
    if (failure instanceof ResourceInUseException) {
      return new Deferred(
          new Deferral(
              now.plus(BUSY_RETRY),
              "TableBusy",
              what
                  + " deferred until "
                  + now.plus(BUSY_RETRY)
                  + ": the table is busy ("
                  + failure.getMessage()
                  + ")"));
    }
    if (failure instanceof LimitExceededException quota) {
      Instant until =
          nextAllowed(text(quota)).filter(at -> at.isAfter(now)).orElse(now.plus(QUOTA_RETRY));
      return new Deferred(
          new Deferral(
              until,
              ConditionReasons.AWS_QUOTA,
              what
                  + " deferred until "
                  + until
                  + ": AWS quota reached ("
                  + failure.getMessage()
                  + ")"));
    }
    if (failure instanceof AwsServiceException service) {
      if (service.isThrottlingException() || service.statusCode() >= 500) {
        return new Transient("AwsUnavailable", what + " failed, will retry: " + text(service));
      }
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      if (QUOTAS.contains(code)) {
        Instant until = now.plus(QUOTA_RETRY);
        return new Deferred(
            new Deferral(
                until,
                ConditionReasons.AWS_QUOTA,
                what + " deferred until " + until + ": AWS quota reached (" + text(service) + ")"));
      }
      if (RACES.contains(code)) {
        return new Transient(
            "AwsConflict", what + " raced another change, will retry: " + text(service));
      }
      if ("ValidationException".equals(code) || service.statusCode() == 400) {
        return new Terminal(
            ConditionReasons.INVALID_SPEC, what + " was refused by AWS: " + text(service));
      }
      return new Transient("AwsError", what + " failed, will retry: " + text(service));
    }
    if (failure instanceof SdkClientException) {
      return new Transient("AwsUnreachable", what + " failed, will retry: " + failure.getMessage());
    }
    return new Transient("InternalError", what + " failed, will retry: " + failure);
  }

  /** AWS's own error message, without the SDK's request details. */
  private static String text(AwsServiceException service) {
    AwsErrorDetails details = service.awsErrorDetails();
    return details != null && details.errorMessage() != null
        ? details.errorMessage()
        : service.getMessage();
  }

  /** The time in AWS's "Next update can be made at …" wording, if present. */
  static Optional<Instant> nextAllowed(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher matcher = NEXT_UPDATE.matcher(message);
    if (!matcher.find()) {
      return Optional.empty();
    }
    String text = matcher.group(1).trim();
    for (DateTimeFormatter format : AWS_TIMES) {
      try {
        return Optional.of(format.parse(text, Instant::from));
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return Optional.empty();
  }
}
