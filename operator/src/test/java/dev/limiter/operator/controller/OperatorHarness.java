package dev.limiter.operator.controller;

import dev.limiter.operator.LimiterOperator;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.plan.TablePolicy;
import dev.limiter.operator.reconcile.HierarchyPacing;
import dev.limiter.operator.testing.FakeCloudWatch;
import dev.limiter.operator.testing.FakeDynamoDbTables;
import dev.limiter.operator.testing.FakeTableScaling;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator under test: both CRDs registered on the fabric8 mock API server, and the operator
 * running against {@link LocalAws}: DynamoDB Local behind the fake of the AWS rules DynamoDB Local
 * lacks, and the fakes of Application Auto Scaling and CloudWatch.
 */
final class OperatorHarness implements AutoCloseable {

  private final DynamoDbClient dynamo;
  private final LocalAws aws;
  private final Operator operator;

  private OperatorHarness(DynamoDbClient dynamo, LocalAws aws, Operator operator) {
    this.dynamo = dynamo;
    this.aws = aws;
    this.operator = operator;
  }

  /**
   * Registers the CRDs on {@code client}'s server and starts the operator with {@code clock} and
   * {@code resync}, publishing {@code endpoint} (may be null) to workloads; {@code interceptors}
   * see every DynamoDB call the operator makes.
   */
  static OperatorHarness start(
      KubernetesClient client,
      Clock clock,
      Duration resync,
      URI endpoint,
      ExecutionInterceptor... interceptors) {
    return start(client, clock, resync, endpoint, HierarchyPacing.DEFAULT, interceptors);
  }

  /**
   * As {@link #start(KubernetesClient, Clock, Duration, URI, ExecutionInterceptor...)}, writing
   * hierarchies at {@code pacing}.
   */
  static OperatorHarness start(
      KubernetesClient client,
      Clock clock,
      Duration resync,
      URI endpoint,
      HierarchyPacing pacing,
      ExecutionInterceptor... interceptors) {
    return start(
        client,
        clock,
        new OperatorSettings("us-east-1", endpoint, resync, Set.of(), TablePolicy.NONE, pacing),
        interceptors);
  }

  /**
   * As {@link #start(KubernetesClient, Clock, Duration, URI, ExecutionInterceptor...)}, with the
   * operator's {@code settings}.
   */
  static OperatorHarness start(
      KubernetesClient client,
      Clock clock,
      OperatorSettings settings,
      ExecutionInterceptor... interceptors) {
    for (String crd : LimiterOperator.CRD_RESOURCES) {
      try (InputStream yaml =
          Files.newInputStream(Path.of("../crds").resolve(Path.of(crd).getFileName().toString()))) {
        client.apiextensions().v1().customResourceDefinitions().load(yaml).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    DynamoDbClient dynamo = DynamoDbLocal.shared().client(interceptors);
    LocalAws aws = LocalAws.on(dynamo, clock);
    Operator operator =
        LimiterOperator.create(
            client, settings, aws.access(), clock, null, new SimpleMeterRegistry());
    operator.start();
    return new OperatorHarness(dynamo, aws, operator);
  }

  /**
   * The DynamoDB control-plane calls the operator made that change something, e.g. {@code
   * updateTable …}.
   */
  List<String> tableMutations() {
    return aws.tableMutations();
  }

  /** The Application Auto Scaling fake. */
  FakeTableScaling scaling() {
    return aws.scaling();
  }

  /** The CloudWatch fake (alarms and the scripted metrics feed). */
  FakeCloudWatch cloudWatch() {
    return aws.cloudWatch();
  }

  /** The AWS-rules fake the operator manages tables through. */
  FakeDynamoDbTables aws() {
    return aws.tables();
  }

  @Override
  public void close() {
    operator.stop();
    dynamo.close();
  }
}
