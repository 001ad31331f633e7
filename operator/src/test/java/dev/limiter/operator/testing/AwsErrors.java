package dev.limiter.operator.testing;

import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The client errors the AWS fakes of this package throw, shaped as the SDK builds them from AWS's
 * answers.
 */
final class AwsErrors {

  private static final int BAD_REQUEST = 400;

  private AwsErrors() {}

  /**
   * A 400 from {@code service} with AWS's error {@code code} and {@code message}, as {@code
   * builder}'s type.
   */
  static AwsServiceException badRequest(
      AwsServiceException.Builder builder, String service, String code, String message) {
    return builder
        .message(message)
        .statusCode(BAD_REQUEST)
        .requestId(UUID.randomUUID().toString())
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .serviceName(service)
                .errorCode(code)
                .errorMessage(message)
                .build())
        .build();
  }
}
