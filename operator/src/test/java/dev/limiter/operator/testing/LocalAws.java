package dev.limiter.operator.testing;

import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.HierarchyItems;
import dev.limiter.operator.aws.SdkDynamoDbTables;
import dev.limiter.operator.aws.SdkHierarchyItems;
import dev.limiter.operator.aws.TableMetrics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator's AWS ports wired for local runs (tests, the sandbox): DynamoDB Local behind {@link
 * FakeDynamoDbTables} for the control plane, the production {@link SdkHierarchyItems} for the
 * items, and {@link FakeTableScaling} and {@link FakeCloudWatch} (one instance, shared by the
 * alarms and the metrics ports, into which the scaling fake puts its target-tracking alarms) for
 * what has no local emulator. Every region gets the same instances: DynamoDB Local is one database.
 *
 * <p>The tables port the operator is given records every call it makes that changes something
 * ({@link #tableMutations()}); calls a test makes on {@link #tables()} directly are not recorded.
 */
public final class LocalAws {

  private final DynamoDbClient dynamoDb;
  private final FakeDynamoDbTables tables;
  private final FakeCloudWatch cloudWatch;
  private final FakeTableScaling scaling;
  private final List<String> tableMutations = new CopyOnWriteArrayList<>();

  private LocalAws(DynamoDbClient dynamoDb, Clock clock, Duration updatingFor) {
    this.dynamoDb = dynamoDb;
    this.tables = new FakeDynamoDbTables(new SdkDynamoDbTables(dynamoDb), clock, updatingFor);
    this.cloudWatch = new FakeCloudWatch(clock);
    this.scaling = new FakeTableScaling(clock, cloudWatch);
  }

  /**
   * The ports over {@code dynamoDb} (a DynamoDB Local client) and fakes on {@code clock}, with no
   * busy windows.
   */
  public static AwsAccess access(DynamoDbClient dynamoDb, Clock clock) {
    return on(dynamoDb, clock).access();
  }

  /**
   * Fakes over {@code dynamoDb} (a DynamoDB Local client) on {@code clock}; tables are never {@code
   * CREATING} or {@code UPDATING}.
   */
  public static LocalAws on(DynamoDbClient dynamoDb, Clock clock) {
    return on(dynamoDb, clock, Duration.ZERO);
  }

  /**
   * Fakes over {@code dynamoDb} (a DynamoDB Local client) on {@code clock}; a table stays {@code
   * CREATING} or {@code UPDATING} for {@code updatingFor} after each change, as on AWS.
   */
  public static LocalAws on(DynamoDbClient dynamoDb, Clock clock, Duration updatingFor) {
    return new LocalAws(dynamoDb, clock, updatingFor);
  }

  /** The ports for the operator, the same in every region. */
  public AwsAccess access() {
    return access(cloudWatch);
  }

  /**
   * As {@link #access()}, reading CloudWatch metrics from {@code metrics} (to watch or break that
   * one port).
   */
  public AwsAccess access(TableMetrics metrics) {
    DynamoDbTables recorded = recording(tables);
    HierarchyItems items = new SdkHierarchyItems(dynamoDb);
    return new AwsAccess(
        region -> recorded,
        region -> items,
        region -> scaling,
        region -> cloudWatch,
        region -> metrics);
  }

  /**
   * The DynamoDB control-plane calls made through {@link #access()} that change something, e.g.
   * {@code updateTable …}.
   */
  public List<String> tableMutations() {
    return tableMutations;
  }

  /**
   * The DynamoDB control-plane fake, for a test to look at or change a table as someone else would.
   */
  public FakeDynamoDbTables tables() {
    return tables;
  }

  /** The CloudWatch fake (alarms and the scripted metrics feed). */
  public FakeCloudWatch cloudWatch() {
    return cloudWatch;
  }

  /** The Application Auto Scaling fake. */
  public FakeTableScaling scaling() {
    return scaling;
  }

  /**
   * {@link #tables} recording the name and first argument of every call but the describe and list
   * calls.
   */
  private DynamoDbTables recording(DynamoDbTables delegate) {
    return (DynamoDbTables)
        Proxy.newProxyInstance(
            DynamoDbTables.class.getClassLoader(),
            new Class<?>[] {DynamoDbTables.class},
            (proxy, method, args) -> {
              if (!method.getName().startsWith("describe")
                  && !method.getName().startsWith("list")) {
                tableMutations.add(method.getName() + " " + args[0]);
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
