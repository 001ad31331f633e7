package dev.limiter.testkit;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The AWS operations invoked in this JVM through SDK clients carrying the {@linkplain #global()
 * global log}, as IAM actions ({@code dynamodb:DescribeTable}). Every client {@link DynamoDbLocal}
 * builds carries it, so a test suite's run leaves here the actions a role would need to make the
 * same calls against AWS; the operator's IAM policy test compares them with the shipped policy.
 *
 * <p>An operation is recorded in {@code beforeExecution}, i.e. when it is attempted, whatever the
 * outcome: IAM authorises the attempt, so an operation DynamoDB Local answers with {@code
 * UnknownOperationException} (tags, point-in-time recovery) or an AWS error still counts. Calls
 * that never reach an SDK client's execution pipeline (fakes implementing the client interface,
 * in-memory decorators) are not recorded.
 *
 * <p>Operations are kept as the SDK names them and translated to IAM prefixes only when read, so
 * that a call to a service without a known prefix fails the reader (the IAM test) with a clear
 * message instead of failing the call being made. Thread-safe.
 */
public final class AwsOperationLog implements ExecutionInterceptor {

  /**
   * IAM action prefix by the SDK's service name ({@link SdkExecutionAttribute#SERVICE_NAME}, the
   * service client's name without {@code Client}). Operation names are the same in both.
   */
  private static final Map<String, String> IAM_PREFIXES =
      Map.of(
          "DynamoDb", "dynamodb",
          "ApplicationAutoScaling", "application-autoscaling",
          "CloudWatch", "cloudwatch");

  private static final AwsOperationLog GLOBAL = new AwsOperationLog();

  /** SDK service name and operation name, as given by the execution attributes. */
  private record Operation(String service, String name) {}

  private final Set<Operation> operations = ConcurrentHashMap.newKeySet();

  private AwsOperationLog() {}

  /** The log of the whole JVM, shared by every client that carries it. */
  public static AwsOperationLog global() {
    return GLOBAL;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    operations.add(
        new Operation(
            attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
  }

  /**
   * The IAM actions of every operation recorded so far, sorted.
   *
   * @throws IllegalStateException when an operation of a service without a known IAM prefix was
   *     recorded, naming it
   */
  public SortedSet<String> iamActions() {
    SortedSet<String> actions = new TreeSet<>();
    for (Operation operation : operations) {
      String prefix = IAM_PREFIXES.get(operation.service());
      if (prefix == null) {
        throw new IllegalStateException(
            "no IAM prefix known for AWS SDK service "
                + operation.service()
                + " (operation "
                + operation.name()
                + "); add it to "
                + AwsOperationLog.class.getSimpleName());
      }
      actions.add(prefix + ":" + operation.name());
    }
    return actions;
  }
}
