package dev.limiter.sandbox;

import dev.limiter.operator.LimiterOperator;
import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.config.OperatorSettings;
import dev.limiter.operator.testing.LocalAws;
import dev.limiter.sandbox.kube.KubernetesApi;
import dev.limiter.sandbox.kube.LocalKubernetes;
import dev.limiter.testkit.DynamoDbLocal;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole product on embedded defaults, in one JVM: DynamoDB Local (behind the fake of the AWS
 * rules it lacks, with the fakes of Application Auto Scaling and CloudWatch: {@link LocalAws} from
 * the operator's test-jar), a Kubernetes API that a real {@code kubectl} can use (a real
 * kube-apiserver when its binaries are built, else the in-process mock server), and the operator
 * reconciling against both. No cluster and no AWS account.
 */
public final class Sandbox implements AutoCloseable {

  /** Region given to tables whose spec names none. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** How often the sandbox's operator looks at converged resources again. */
  public static final Duration RESYNC = Duration.ofSeconds(30);

  /**
   * How long a table stays {@code CREATING} or {@code UPDATING} after each change (AWS takes
   * longer).
   */
  private static final Duration BUSY_AFTER_CHANGE = Duration.ofSeconds(1);

  private final DynamoDbLocal dynamoDb;
  private final DynamoDbClient dynamoDbClient;
  private final KubernetesApi kubernetes;
  private final Operator operator;

  private Sandbox(
      DynamoDbLocal dynamoDb,
      DynamoDbClient dynamoDbClient,
      KubernetesApi kubernetes,
      Operator operator) {
    this.dynamoDb = dynamoDb;
    this.dynamoDbClient = dynamoDbClient;
    this.kubernetes = kubernetes;
    this.operator = operator;
  }

  /**
   * Starts DynamoDB Local, the embedded mock Kubernetes API on {@code kubernetesPort} (0 for any)
   * and the operator.
   */
  public static Sandbox start(int kubernetesPort) {
    return start(LocalKubernetes.start(kubernetesPort));
  }

  /**
   * Installs the CRDs into {@code kubernetes}, starts DynamoDB Local and the operator; the sandbox
   * owns {@code kubernetes} from here on (it is closed when starting fails, and by {@link
   * #close()}).
   */
  public static Sandbox start(KubernetesApi kubernetes) {
    try {
      registerCrds(kubernetes);
      return startOperator(kubernetes);
    } catch (RuntimeException e) {
      kubernetes.close();
      throw e;
    }
  }

  private static Sandbox startOperator(KubernetesApi kubernetes) {
    useLocalCredentialsUnlessConfigured();
    DynamoDbLocal dynamoDb = DynamoDbLocal.start();
    DynamoDbClient dynamoDbClient = dynamoDb.client();
    AwsAccess aws = LocalAws.on(dynamoDbClient, Clock.systemUTC(), BUSY_AFTER_CHANGE).access();
    OperatorSettings settings =
        new OperatorSettings(DEFAULT_REGION, dynamoDb.endpoint(), RESYNC, Set.of());
    Operator operator =
        LimiterOperator.create(
            kubernetes.client(), settings, aws, Clock.systemUTC(), null, new SimpleMeterRegistry());
    operator.start();
    return new Sandbox(dynamoDb, dynamoDbClient, kubernetes, operator);
  }

  private static void registerCrds(KubernetesApi kubernetes) {
    for (String crd : LimiterOperator.CRD_RESOURCES) {
      try (InputStream yaml = LimiterOperator.class.getResourceAsStream(crd)) {
        if (yaml == null) {
          throw new IllegalStateException(
              "CRD " + crd + " is not on the classpath; build the operator module first");
        }
        kubernetes.registerCrd(yaml);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * The SDK's default chain finds no credentials on a fresh machine; DynamoDB Local accepts any, so
   * workloads built with {@code RateLimiter.fromEnvironment()} get placeholders.
   */
  private static void useLocalCredentialsUnlessConfigured() {
    if (System.getenv("AWS_ACCESS_KEY_ID") == null
        && System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "sandbox");
      System.setProperty("aws.secretAccessKey", "sandbox");
    }
  }

  /** A client of the sandbox's Kubernetes API. */
  public KubernetesClient kubernetes() {
    return kubernetes.client();
  }

  /** The Kubernetes API's address. */
  public URI kubernetesUrl() {
    return kubernetes.url();
  }

  /** What serves the Kubernetes API, for people. */
  public String kubernetesDescription() {
    return kubernetes.description();
  }

  /** Writes a kubeconfig for the sandbox's Kubernetes API to {@code file}. */
  public Path writeKubeconfig(Path file) {
    return kubernetes.writeKubeconfig(file);
  }

  /** DynamoDB Local, as workloads reach it. */
  public DynamoDbLocal dynamoDb() {
    return dynamoDb;
  }

  /** Stops the operator (DynamoDB Local and the Kubernetes API keep running). */
  public void stopOperator() {
    operator.stop();
  }

  @Override
  public void close() {
    operator.stop();
    kubernetes.close();
    dynamoDbClient.close();
    dynamoDb.close();
  }
}
