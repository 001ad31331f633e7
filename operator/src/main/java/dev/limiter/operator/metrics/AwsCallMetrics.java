package dev.limiter.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the operator's AWS calls as {@code limiter_aws_calls_total{service, operation, outcome}},
 * where outcome is {@code success}, AWS's error code (e.g. {@code LimitExceededException}) or the
 * client-side failure's type (e.g. {@code SdkClientException} when AWS is unreachable). Each call
 * is counted once, after the SDK's retries.
 */
public final class AwsCallMetrics implements ExecutionInterceptor {

  /** Name of the counter. */
  public static final String CALLS = "limiter.aws.calls";

  private final MeterRegistry registry;

  /** Counts into {@code registry}. */
  public AwsCallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    count(attributes, "success");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    Throwable failure = context.exception();
    String outcome =
        failure instanceof AwsServiceException aws
                && aws.awsErrorDetails() != null
                && aws.awsErrorDetails().errorCode() != null
            ? aws.awsErrorDetails().errorCode()
            : failure.getClass().getSimpleName();
    count(attributes, outcome);
  }

  private void count(ExecutionAttributes attributes, String outcome) {
    Counter.builder(CALLS)
        .description("AWS API calls made by the operator, after SDK retries")
        .tag("service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)))
        .tag(
            "operation",
            String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
