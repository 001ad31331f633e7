package dev.limiter.operator.controller;

import dev.limiter.operator.LimiterOperator;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.AwsRulesCloudWatch;
import dev.limiter.operator.aws.AwsRulesDynamoDbTables;
import dev.limiter.operator.aws.AwsRulesTableScaling;
import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.SdkDynamoDbTables;
import dev.limiter.operator.aws.SdkHierarchyItems;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.reconcile.HierarchyPacing;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator under test: both CRDs registered on the fabric8 mock API server, and the operator
 * running against DynamoDB Local behind the fake of the AWS rules DynamoDB Local lacks, and against
 * the fakes of Application Auto Scaling and CloudWatch.
 */
final class OperatorHarness implements AutoCloseable {

  private final DynamoDbClient dynamo;
  private final AwsRulesDynamoDbTables aws;
  private final AwsRulesTableScaling scaling;
  private final AwsRulesCloudWatch cloudWatch;
  private final List<String> tableMutations;
  private final Operator operator;

  private OperatorHarness(DynamoDbClient dynamo, AwsRulesDynamoDbTables aws, AwsRulesTableScaling scaling,
                          AwsRulesCloudWatch cloudWatch, List<String> tableMutations, Operator operator) {
    this.dynamo = dynamo;
    this.aws = aws;
    this.scaling = scaling;
    this.cloudWatch = cloudWatch;
    this.tableMutations = tableMutations;
    this.operator = operator;
  }

  /**
   * Registers the CRDs on {@code client}'s server and starts the operator with {@code clock} and
   * {@code resync}, publishing {@code endpoint} (may be null) to workloads; {@code interceptors}
   * see every DynamoDB call the operator makes.
   */
  static OperatorHarness start(KubernetesClient client, Clock clock, Duration resync, URI endpoint,
                               ExecutionInterceptor... interceptors) {
    return start(client, clock, resync, endpoint, HierarchyPacing.DEFAULT, interceptors);
  }

  /** As {@link #start(KubernetesClient, Clock, Duration, URI, ExecutionInterceptor...)}, writing hierarchies at {@code pacing}. */
  static OperatorHarness start(KubernetesClient client, Clock clock, Duration resync, URI endpoint, HierarchyPacing pacing,
                               ExecutionInterceptor... interceptors) {
    return start(client, clock, new OperatorSettings("us-east-1", endpoint, resync, Set.of(), TablePolicy.NONE, pacing),
        interceptors);
  }

  /** As {@link #start(KubernetesClient, Clock, Duration, URI, ExecutionInterceptor...)}, with the operator's {@code settings}. */
  static OperatorHarness start(KubernetesClient client, Clock clock, OperatorSettings settings, ExecutionInterceptor... interceptors) {
    for (String crd : LimiterOperator.CRD_RESOURCES) {
      try (InputStream yaml = Files.newInputStream(Path.of("../crds").resolve(Path.of(crd).getFileName().toString()))) {
        client.apiextensions().v1().customResourceDefinitions().load(yaml).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    DynamoDbClient dynamo = DynamoDbLocal.shared().client(interceptors);
    AwsRulesDynamoDbTables aws = new AwsRulesDynamoDbTables(new SdkDynamoDbTables(dynamo), clock, Duration.ZERO);
    AwsRulesCloudWatch cloudWatch = new AwsRulesCloudWatch(clock);
    AwsRulesTableScaling scaling = new AwsRulesTableScaling(clock, cloudWatch);
    List<String> tableMutations = new CopyOnWriteArrayList<>();
    DynamoDbTables recorded = recording(aws, tableMutations);
    Operator operator = LimiterOperator.create(client, settings,
        new AwsAccess(region -> recorded, region -> new SdkHierarchyItems(dynamo), region -> scaling, region -> cloudWatch,
            region -> cloudWatch),
        clock, null, new SimpleMeterRegistry());
    operator.start();
    return new OperatorHarness(dynamo, aws, scaling, cloudWatch, tableMutations, operator);
  }

  /**
   * {@code tables} recording the name and first argument of every call the operator makes that
   * changes something (any method but the describe and list calls).
   */
  static DynamoDbTables recording(DynamoDbTables tables, List<String> mutations) {
    return (DynamoDbTables) Proxy.newProxyInstance(DynamoDbTables.class.getClassLoader(), new Class<?>[] {DynamoDbTables.class},
        (proxy, method, args) -> {
          if (!method.getName().startsWith("describe") && !method.getName().startsWith("list")) {
            mutations.add(method.getName() + " " + args[0]);
          }
          try {
            return method.invoke(tables, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** The DynamoDB control-plane calls the operator made that change something, e.g. {@code updateTable …}. */
  List<String> tableMutations() {
    return tableMutations;
  }

  /** The Application Auto Scaling fake. */
  AwsRulesTableScaling scaling() {
    return scaling;
  }

  /** The CloudWatch fake (alarms and the scripted metrics feed). */
  AwsRulesCloudWatch cloudWatch() {
    return cloudWatch;
  }

  /** The AWS-rules fake the operator manages tables through. */
  AwsRulesDynamoDbTables aws() {
    return aws;
  }

  @Override
  public void close() {
    operator.stop();
    dynamo.close();
  }
}
