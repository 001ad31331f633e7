package dev.limiter.operator.testing;

import dev.limiter.operator.aws.DynamoDbTables;
import dev.limiter.operator.aws.SdkDynamoDbTables;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.BillingModeSummary;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsStatus;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsAction;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsStatus;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * <strong>A fake of AWS behaviour that DynamoDB Local does not have.</strong> A {@link
 * DynamoDbTables} decorator for local runs (tests, the local sandbox) that wraps another {@code
 * DynamoDbTables} — in practice {@link SdkDynamoDbTables} over DynamoDB Local — and adds the
 * control-plane rules of real DynamoDB that DynamoDB Local lacks, failing with AWS's exception
 * types and (as far as known) AWS's message wording. It is not production code (it lives in the
 * test sources and reaches the sandbox through the operator's test-jar): against real AWS, use
 * {@link SdkDynamoDbTables} alone. {@link LocalAws} wires it up with the other fakes.
 *
 * <p>Time is the injected {@link Clock}, never the wall clock, so tests move time by hand; every
 * time this class reports (quota times, {@code LastUpdateToPayPerRequestDateTime}, {@code
 * LastDecreaseDateTime}, {@code LastIncreaseDateTime}, the PITR window) is on that clock.
 *
 * <p>The rules, each checked before the wrapped call is made (a refused call changes nothing):
 *
 * <ol>
 *   <li><b>Tags.</b> TagResource, UntagResource and ListTagsOfResource are served from memory per
 *       table ARN (DynamoDB Local answers them with {@code UnknownOperationException}). Tags given
 *       in {@code CreateTableRequest.tags()} are recorded at creation and stripped from the request
 *       passed on (DynamoDB Local accepts and silently drops them). A malformed or index ARN is a
 *       {@code ValidationException}; an ARN of no existing table a {@code
 *       ResourceNotFoundException}.
 *   <li><b>Point-in-time recovery.</b> UpdateContinuousBackups / DescribeContinuousBackups are
 *       served from memory (DynamoDB Local does not know the operations): {@code
 *       ContinuousBackupsStatus} is always {@code ENABLED}; PITR is {@code DISABLED} until turned
 *       on, then {@code ENABLED} with {@value #PITR_RECOVERY_PERIOD_DAYS} recovery days and
 *       restorable times from the moment it was enabled up to now. A missing table is AWS's {@code
 *       TableNotFoundException}.
 *   <li><b>Billing-mode quota.</b> At most {@value #SWITCHES_TO_ON_DEMAND_PER_DAY} switches from
 *       {@code PROVISIONED} to {@code PAY_PER_REQUEST} in any rolling {@link #SWITCH_WINDOW} per
 *       table; the next one is a {@code LimitExceededException} naming when the next switch can be
 *       made. Switches to {@code PROVISIONED} are not limited. The time of the last switch to
 *       on-demand (or of creation on-demand) is reported as {@code
 *       BillingModeSummary.LastUpdateToPayPerRequestDateTime}, overriding DynamoDB Local's
 *       wall-clock value; a table created provisioned through this class reports none until it
 *       switches. A table created through this class reports its {@code CreationDateTime} on the
 *       clock too, so that the two times compare as on AWS.
 *   <li><b>Throughput decreases.</b> Counted per table and per global secondary index separately:
 *       an UpdateTable lowering the read or write units of a provisioned table or index is one
 *       decrease of it. {@value #FREE_DECREASES_PER_UTC_DAY} are allowed at any time of a UTC day,
 *       then one more each time {@link #DECREASE_SPACING} has passed since the last one; otherwise
 *       {@code LimitExceededException}. The count restarts at UTC midnight. {@code
 *       NumberOfDecreasesToday}, {@code LastDecreaseDateTime} and {@code LastIncreaseDateTime} of
 *       the table's and each index's {@code ProvisionedThroughputDescription} come from this count
 *       (DynamoDB Local reports 0 and 1970-01-01 placeholders); the two times are absent until the
 *       first decrease or increase, as on AWS.
 *   <li><b>Busy tables.</b> After a successful CreateTable the table reports {@code CREATING}, and
 *       after a successful UpdateTable {@code UPDATING}, for {@code updatingFor} (zero turns this
 *       off); meanwhile UpdateTable and DeleteTable fail with {@code ResourceInUseException}
 *       (DynamoDB Local is {@code ACTIVE} at once).
 *   <li><b>Switching to provisioned</b> must give throughput for every global secondary index in
 *       the same UpdateTable, otherwise {@code ValidationException} (DynamoDB Local accepts it and
 *       keeps the index's old throughput).
 *   <li><b>On-demand indexes</b> report a {@code ProvisionedThroughput} of 0 read and 0 write
 *       units, as on AWS (DynamoDB Local keeps the pre-switch values, or omits them for a table
 *       created on-demand). Because DynamoDB Local keeps them, it would refuse a switch back to
 *       provisioned that gives an index those same figures ("equals the current value"), which AWS
 *       accepts; such index updates are left out of the request passed on, which leaves the index
 *       at exactly the requested figures.
 *   <li><b>Deletion protection</b> needs nothing here: DynamoDB Local already refuses DeleteTable
 *       of a protected table with AWS's {@code ValidationException} and wording, and that passes
 *       through.
 * </ol>
 *
 * Everything else (DescribeTimeToLive, UpdateTimeToLive, the rest of every description and every
 * other error) is delegated unchanged.
 *
 * <p>Not reproduced, so still DynamoDB Local's behaviour: the limit on how often TTL may be
 * toggled, tag count and key rules, tagging and TTL changes during {@code CREATING}, per-index
 * {@code IndexStatus} while updating, and AWS's exact wording for errors DynamoDB Local raises
 * itself (unchanged throughput: "The requested throughput value equals the current value"; existing
 * table: "Cannot create preexisting table"; missing table: "Cannot do operations on a non-existent
 * table"). Times in messages are ISO-8601 instants; AWS writes them for people (for example
 * "Monday, February 13, 2023 at 10:25:39 AM Coordinated Universal Time").
 *
 * <p>State lives in memory per table name, is created with the table (or on first sight of a table
 * created elsewhere) and dropped by DeleteTable through this class; it does not survive the
 * instance, nor notice a table deleted behind its back. Thread-safe: calls on one table are
 * serialised (UpdateTable holds the table's lock across its check, the wrapped call and the
 * bookkeeping), calls on different tables run in parallel.
 */
public final class FakeDynamoDbTables implements DynamoDbTables {

  /** Switches from provisioned to on-demand AWS allows per table in any {@link #SWITCH_WINDOW}. */
  public static final int SWITCHES_TO_ON_DEMAND_PER_DAY = 4;

  /** The rolling window of the billing-mode quota. */
  public static final Duration SWITCH_WINDOW = Duration.ofHours(24);

  /** Throughput decreases allowed at any time within one UTC day, per table and per index. */
  public static final int FREE_DECREASES_PER_UTC_DAY = 4;

  /** Minimum spacing of decreases beyond the free ones. */
  public static final Duration DECREASE_SPACING = Duration.ofHours(1);

  /** PITR recovery period reported when PITR is on (AWS's default). */
  public static final int PITR_RECOVERY_PERIOD_DAYS = 35;

  private static final String SERVICE_NAME = "DynamoDb";

  private final DynamoDbTables delegate;
  private final Clock clock;
  private final Duration updatingFor;
  private final ConcurrentMap<String, TableState> tables = new ConcurrentHashMap<>();

  /**
   * @param delegate the tables to wrap (in practice {@link SdkDynamoDbTables} over DynamoDB Local)
   * @param clock the time every rule is judged and reported on
   * @param updatingFor how long a table stays {@code CREATING} after CreateTable and {@code
   *     UPDATING} after UpdateTable; {@link Duration#ZERO} turns busy windows off
   */
  public FakeDynamoDbTables(DynamoDbTables delegate, Clock clock, Duration updatingFor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.updatingFor = Objects.requireNonNull(updatingFor, "updatingFor");
    if (updatingFor.isNegative()) {
      throw new IllegalArgumentException("updatingFor must not be negative: " + updatingFor);
    }
  }

  // ---------------------------------------------------------------- tables

  @Override
  public Optional<TableDescription> describeTable(String tableName) {
    Optional<TableDescription> described = delegate.describeTable(tableName);
    if (described.isEmpty()) {
      return described;
    }
    TableState state = state(tableName);
    synchronized (state) {
      return Optional.of(decorate(described.get(), state, clock.instant()));
    }
  }

  /**
   * CreateTable without its tags (recorded here instead); the table then reports {@code CREATING}
   * for {@code updatingFor}. Any state left from an earlier table of the same name is dropped.
   */
  @Override
  public TableDescription createTable(CreateTableRequest request) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (request.hasTags()) {
      for (Tag tag : request.tags()) {
        tags.put(tag.key(), tag.value());
      }
    }
    CreateTableRequest withoutTags = request.toBuilder().tags((Collection<Tag>) null).build();
    TableDescription created = delegate.createTable(withoutTags);

    Instant now = clock.instant();
    TableState state = new TableState(true);
    synchronized (state) {
      state.createdAt = now;
      state.tags.putAll(tags);
      if (request.billingMode() == BillingMode.PAY_PER_REQUEST) {
        state.lastToOnDemand = now;
      }
      state.busy(TableStatus.CREATING, now, updatingFor);
      tables.put(request.tableName(), state);
      return decorate(created, state, now);
    }
  }

  /**
   * UpdateTable under AWS's rules: refused while the table is busy, when it would exceed the
   * on-demand switch quota or a decrease quota, or when a switch to provisioned misses an index's
   * throughput; otherwise delegated, recorded, and the table reports {@code UPDATING}.
   */
  @Override
  public TableDescription updateTable(UpdateTableRequest request) {
    String tableName = request.tableName();
    TableState state = state(tableName);
    synchronized (state) {
      Instant now = clock.instant();
      state.refuseIfBusy(tableName, now);
      Optional<TableDescription> before = delegate.describeTable(tableName);
      if (before.isEmpty()) {
        // Let the wrapped tables report the missing table in their own words.
        return decorate(delegate.updateTable(request), state, now);
      }
      TableDescription current = before.get();
      BillingMode from = billingMode(current);
      BillingMode to =
          request.billingMode() == null
                  || request.billingMode() == BillingMode.UNKNOWN_TO_SDK_VERSION
              ? from
              : request.billingMode();
      boolean toOnDemand = from == BillingMode.PROVISIONED && to == BillingMode.PAY_PER_REQUEST;

      if (from == BillingMode.PAY_PER_REQUEST && to == BillingMode.PROVISIONED) {
        requireIndexThroughput(current, request);
      }
      if (toOnDemand) {
        state.refuseSwitchToOnDemand(now);
      }
      List<Change> changes =
          from == BillingMode.PROVISIONED && to == BillingMode.PROVISIONED
              ? throughputChanges(current, request, state)
              : List.of();
      for (Change change : changes) {
        if (change.decrease()) {
          change.history().refuseDecrease(now);
        }
      }

      TableDescription updated =
          delegate.updateTable(
              from == BillingMode.PAY_PER_REQUEST && to == BillingMode.PROVISIONED
                  ? withoutStaleIndexThroughput(current, request)
                  : request);

      if (toOnDemand) {
        state.recordSwitchToOnDemand(now);
      }
      for (Change change : changes) {
        change.history().record(change, now);
      }
      forgetDeletedIndexes(request, state);
      state.busy(TableStatus.UPDATING, now, updatingFor);
      return decorate(updated, state, now);
    }
  }

  /**
   * DeleteTable, refused while the table is {@code CREATING} or {@code UPDATING}; drops the state.
   */
  @Override
  public void deleteTable(String tableName) {
    TableState state = state(tableName);
    synchronized (state) {
      state.refuseIfBusy(tableName, clock.instant());
      delegate.deleteTable(tableName);
      tables.remove(tableName, state);
    }
  }

  // ---------------------------------------------------------------- time to live (delegated)

  @Override
  public TimeToLiveDescription describeTimeToLive(String tableName) {
    return delegate.describeTimeToLive(tableName);
  }

  @Override
  public void updateTimeToLive(String tableName, String attribute, boolean enabled) {
    delegate.updateTimeToLive(tableName, attribute, enabled);
  }

  // ---------------------------------------------------------------- point-in-time recovery

  @Override
  public ContinuousBackupsDescription describeContinuousBackups(String tableName) {
    requireTableForBackups(tableName);
    TableState state = state(tableName);
    Instant now = clock.instant();
    synchronized (state) {
      PointInTimeRecoveryDescription.Builder pitr = PointInTimeRecoveryDescription.builder();
      if (state.pitrEnabledAt != null) {
        Instant latest = now.isBefore(state.pitrEnabledAt) ? state.pitrEnabledAt : now;
        pitr.pointInTimeRecoveryStatus(PointInTimeRecoveryStatus.ENABLED)
            .recoveryPeriodInDays(PITR_RECOVERY_PERIOD_DAYS)
            .earliestRestorableDateTime(state.pitrEnabledAt)
            .latestRestorableDateTime(latest);
      } else {
        pitr.pointInTimeRecoveryStatus(PointInTimeRecoveryStatus.DISABLED);
      }
      return ContinuousBackupsDescription.builder()
          .continuousBackupsStatus(ContinuousBackupsStatus.ENABLED)
          .pointInTimeRecoveryDescription(pitr.build())
          .build();
    }
  }

  @Override
  public void updatePointInTimeRecovery(String tableName, boolean enabled) {
    requireTableForBackups(tableName);
    TableState state = state(tableName);
    synchronized (state) {
      if (!enabled) {
        state.pitrEnabledAt = null;
      } else if (state.pitrEnabledAt == null) {
        state.pitrEnabledAt = clock.instant();
      }
    }
  }

  // ---------------------------------------------------------------- tags

  @Override
  public Map<String, String> listTags(String tableArn) {
    TableState state = state(requireTaggableTable(tableArn));
    synchronized (state) {
      return new LinkedHashMap<>(state.tags);
    }
  }

  @Override
  public void tagResource(String tableArn, Map<String, String> tags) {
    TableState state = state(requireTaggableTable(tableArn));
    synchronized (state) {
      state.tags.putAll(tags);
    }
  }

  @Override
  public void untagResource(String tableArn, Collection<String> tagKeys) {
    TableState state = state(requireTaggableTable(tableArn));
    synchronized (state) {
      tagKeys.forEach(state.tags::remove);
    }
  }

  // ---------------------------------------------------------------- Contributor Insights

  /**
   * DescribeContributorInsights from memory (DynamoDB Local has none): DISABLED until enabled;
   * {@code ResourceNotFoundException} for a missing table or index. The ENABLING and DISABLING
   * transitions AWS passes through are not reproduced.
   */
  @Override
  public DescribeContributorInsightsResponse describeContributorInsights(
      String tableName, String indexName) {
    requireTableOrIndex(tableName, indexName);
    TableState state = state(tableName);
    synchronized (state) {
      ContributorInsightsMode mode = state.insights.get(indexName == null ? "" : indexName);
      DescribeContributorInsightsResponse.Builder response =
          DescribeContributorInsightsResponse.builder()
              .tableName(tableName)
              .indexName(indexName)
              .contributorInsightsStatus(
                  mode == null
                      ? ContributorInsightsStatus.DISABLED
                      : ContributorInsightsStatus.ENABLED);
      return mode == null ? response.build() : response.contributorInsightsMode(mode).build();
    }
  }

  /**
   * UpdateContributorInsights in memory; ENABLE without a mode means ACCESSED_AND_THROTTLED_KEYS,
   * as on AWS.
   */
  @Override
  public void updateContributorInsights(
      String tableName,
      String indexName,
      ContributorInsightsAction action,
      ContributorInsightsMode mode) {
    requireTableOrIndex(tableName, indexName);
    TableState state = state(tableName);
    synchronized (state) {
      String key = indexName == null ? "" : indexName;
      if (action == ContributorInsightsAction.ENABLE) {
        state.insights.put(
            key, mode == null ? ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS : mode);
      } else {
        state.insights.remove(key);
      }
    }
  }

  private void requireTableOrIndex(String tableName, String indexName) {
    Optional<TableDescription> table = delegate.describeTable(tableName);
    boolean found =
        table.isPresent()
            && (indexName == null
                || table.get().globalSecondaryIndexes().stream()
                    .anyMatch(index -> index.indexName().equals(indexName)));
    if (!found) {
      throw error(
          ResourceNotFoundException.builder(),
          "ResourceNotFoundException",
          "Requested resource not found: "
              + (indexName == null
                  ? "Table: " + tableName
                  : "Index: " + indexName + " of table " + tableName));
    }
  }

  // ---------------------------------------------------------------- rules

  private TableState state(String tableName) {
    return tables.computeIfAbsent(tableName, name -> new TableState(false));
  }

  private static BillingMode billingMode(TableDescription table) {
    BillingModeSummary summary = table.billingModeSummary();
    return summary != null && summary.billingMode() == BillingMode.PAY_PER_REQUEST
        ? BillingMode.PAY_PER_REQUEST
        : BillingMode.PROVISIONED;
  }

  /** AWS: a switch to provisioned must carry throughput for every index the table has. */
  private static void requireIndexThroughput(TableDescription current, UpdateTableRequest request) {
    Set<String> given = new TreeSet<>();
    for (GlobalSecondaryIndexUpdate update : request.globalSecondaryIndexUpdates()) {
      if (update.update() != null && update.update().provisionedThroughput() != null) {
        given.add(update.update().indexName());
      }
    }
    List<String> missing =
        current.globalSecondaryIndexes().stream()
            .map(GlobalSecondaryIndexDescription::indexName)
            .filter(name -> !given.contains(name))
            .toList();
    if (!missing.isEmpty()) {
      throw validation(
          "One or more parameter values were invalid: ProvisionedThroughput must be specified for"
              + " index: "
              + String.join(",", missing));
    }
  }

  /**
   * {@code request} (a switch to provisioned) without the index throughput updates that DynamoDB
   * Local would refuse as unchanged: it keeps an index's pre-switch throughput through on-demand
   * (AWS has none), so switching back to the same figures fails with "The requested throughput
   * value equals the current value". Leaving such an update out gives the index exactly the
   * requested figures.
   */
  private static UpdateTableRequest withoutStaleIndexThroughput(
      TableDescription current, UpdateTableRequest request) {
    Map<String, ProvisionedThroughputDescription> stale = new HashMap<>();
    for (GlobalSecondaryIndexDescription index : current.globalSecondaryIndexes()) {
      if (index.provisionedThroughput() != null) {
        stale.put(index.indexName(), index.provisionedThroughput());
      }
    }
    List<GlobalSecondaryIndexUpdate> kept = new ArrayList<>();
    for (GlobalSecondaryIndexUpdate update : request.globalSecondaryIndexUpdates()) {
      boolean unchanged =
          update.update() != null
              && update.update().provisionedThroughput() != null
              && sameUnits(
                  stale.get(update.update().indexName()), update.update().provisionedThroughput());
      if (!unchanged) {
        kept.add(update);
      }
    }
    if (kept.size() == request.globalSecondaryIndexUpdates().size()) {
      return request;
    }
    return request.toBuilder().globalSecondaryIndexUpdates(kept.isEmpty() ? null : kept).build();
  }

  private static boolean sameUnits(
      ProvisionedThroughputDescription current, ProvisionedThroughput requested) {
    return current != null
        && Objects.equals(current.readCapacityUnits(), requested.readCapacityUnits())
        && Objects.equals(current.writeCapacityUnits(), requested.writeCapacityUnits());
  }

  /** The throughput changes of a provisioned-to-provisioned UpdateTable, table first. */
  private static List<Change> throughputChanges(
      TableDescription current, UpdateTableRequest request, TableState state) {
    List<Change> changes = new ArrayList<>();
    if (request.provisionedThroughput() != null) {
      change(current.provisionedThroughput(), request.provisionedThroughput(), state.table)
          .ifPresent(changes::add);
    }
    Map<String, ProvisionedThroughputDescription> indexes = new HashMap<>();
    for (GlobalSecondaryIndexDescription index : current.globalSecondaryIndexes()) {
      indexes.put(index.indexName(), index.provisionedThroughput());
    }
    for (GlobalSecondaryIndexUpdate update : request.globalSecondaryIndexUpdates()) {
      if (update.update() == null || update.update().provisionedThroughput() == null) {
        continue;
      }
      String index = update.update().indexName();
      if (indexes.containsKey(index)) {
        change(indexes.get(index), update.update().provisionedThroughput(), state.index(index))
            .ifPresent(changes::add);
      }
    }
    return changes;
  }

  private static Optional<Change> change(
      ProvisionedThroughputDescription current,
      ProvisionedThroughput requested,
      ThroughputHistory history) {
    if (current == null
        || current.readCapacityUnits() == null
        || current.writeCapacityUnits() == null) {
      return Optional.empty();
    }
    long read =
        requested.readCapacityUnits() == null
            ? current.readCapacityUnits()
            : requested.readCapacityUnits();
    long write =
        requested.writeCapacityUnits() == null
            ? current.writeCapacityUnits()
            : requested.writeCapacityUnits();
    boolean decrease = read < current.readCapacityUnits() || write < current.writeCapacityUnits();
    boolean increase = read > current.readCapacityUnits() || write > current.writeCapacityUnits();
    return decrease || increase
        ? Optional.of(new Change(history, decrease, increase))
        : Optional.empty();
  }

  private static void forgetDeletedIndexes(UpdateTableRequest request, TableState state) {
    for (GlobalSecondaryIndexUpdate update : request.globalSecondaryIndexUpdates()) {
      if (update.delete() != null) {
        state.indexes.remove(update.delete().indexName());
      }
      if (update.create() != null) {
        state.indexes.remove(update.create().indexName());
      }
    }
  }

  private void requireTableForBackups(String tableName) {
    if (delegate.describeTable(tableName).isEmpty()) {
      throw error(
          TableNotFoundException.builder(),
          "TableNotFoundException",
          "Table not found: " + tableName);
    }
  }

  /** The name of the table {@code arn} names, which must exist under exactly that ARN. */
  private String requireTaggableTable(String arn) {
    int at = arn == null || !arn.startsWith("arn:") ? -1 : arn.indexOf(":table/");
    String name = at < 0 ? "" : arn.substring(at + ":table/".length());
    if (name.isEmpty() || name.contains("/")) {
      throw validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
    }
    Optional<TableDescription> table = delegate.describeTable(name);
    if (table.isEmpty()
        || (table.get().tableArn() != null && !table.get().tableArn().equals(arn))) {
      throw error(
          ResourceNotFoundException.builder(),
          "ResourceNotFoundException",
          "Requested resource not found: ResourceArn: " + arn + " not found");
    }
    return name;
  }

  /**
   * {@code table} as AWS would describe it given the recorded state. Caller holds the state's lock.
   */
  private static TableDescription decorate(TableDescription table, TableState state, Instant now) {
    TableDescription.Builder out = table.toBuilder();
    if (state.busyUntil != null && now.isBefore(state.busyUntil)) {
      out.tableStatus(state.busyStatus);
    }
    BillingMode mode = billingMode(table);
    if (state.createdHere) {
      out.creationDateTime(state.createdAt);
    }
    if (state.lastToOnDemand != null || state.createdHere) {
      BillingModeSummary summary = table.billingModeSummary();
      if (summary != null || state.lastToOnDemand != null) {
        BillingModeSummary.Builder b =
            summary == null ? BillingModeSummary.builder().billingMode(mode) : summary.toBuilder();
        out.billingModeSummary(b.lastUpdateToPayPerRequestDateTime(state.lastToOnDemand).build());
      }
    }
    if (table.provisionedThroughput() != null) {
      out.provisionedThroughput(state.table.inject(table.provisionedThroughput(), now));
    }
    if (table.hasGlobalSecondaryIndexes()) {
      List<GlobalSecondaryIndexDescription> indexes = new ArrayList<>();
      for (GlobalSecondaryIndexDescription index : table.globalSecondaryIndexes()) {
        ProvisionedThroughputDescription throughput = index.provisionedThroughput();
        if (mode == BillingMode.PAY_PER_REQUEST) {
          throughput =
              (throughput == null
                      ? ProvisionedThroughputDescription.builder()
                      : throughput.toBuilder())
                  .readCapacityUnits(0L)
                  .writeCapacityUnits(0L)
                  .build();
        }
        if (throughput != null) {
          throughput = state.index(index.indexName()).inject(throughput, now);
        }
        indexes.add(index.toBuilder().provisionedThroughput(throughput).build());
      }
      out.globalSecondaryIndexes(indexes);
    }
    return out.build();
  }

  private static AwsServiceException validation(String message) {
    return error(DynamoDbException.builder(), "ValidationException", message);
  }

  private static AwsServiceException error(
      AwsServiceException.Builder builder, String code, String message) {
    return AwsErrors.badRequest(builder, SERVICE_NAME, code, message);
  }

  // ---------------------------------------------------------------- state

  /** A change of one table's or index's throughput by one UpdateTable. */
  private record Change(ThroughputHistory history, boolean decrease, boolean increase) {}

  /**
   * What AWS knows about one table beyond what DynamoDB Local keeps. Guarded by its own monitor.
   */
  private static final class TableState {
    /** Created through this instance: the billing summary is then entirely this class's. */
    final boolean createdHere;

    final Map<String, String> tags = new LinkedHashMap<>();
    final ThroughputHistory table = new ThroughputHistory();
    final Map<String, ThroughputHistory> indexes = new HashMap<>();

    /** Contributor Insights modes by index name, "" for the table; absent means disabled. */
    final Map<String, ContributorInsightsMode> insights = new HashMap<>();

    /** Switches to on-demand, oldest first. */
    final Deque<Instant> switchesToOnDemand = new ArrayDeque<>();

    /** When CreateTable was called, on the clock (set only when {@link #createdHere}). */
    Instant createdAt;

    Instant lastToOnDemand;
    Instant pitrEnabledAt;
    TableStatus busyStatus;
    Instant busyUntil;

    TableState(boolean createdHere) {
      this.createdHere = createdHere;
    }

    ThroughputHistory index(String indexName) {
      return indexes.computeIfAbsent(indexName, name -> new ThroughputHistory());
    }

    void busy(TableStatus status, Instant now, Duration duration) {
      if (duration.isZero()) {
        busyStatus = null;
        busyUntil = null;
      } else {
        busyStatus = status;
        busyUntil = now.plus(duration);
      }
    }

    void refuseIfBusy(String tableName, Instant now) {
      if (busyUntil != null && now.isBefore(busyUntil)) {
        String doing = busyStatus == TableStatus.CREATING ? "created" : "updated";
        throw error(
            ResourceInUseException.builder(),
            "ResourceInUseException",
            "Attempt to change a resource which is still in use: Table is being "
                + doing
                + ": "
                + tableName);
      }
    }

    void refuseSwitchToOnDemand(Instant now) {
      Instant windowStart = now.minus(SWITCH_WINDOW);
      while (!switchesToOnDemand.isEmpty()
          && !switchesToOnDemand.peekFirst().isAfter(windowStart)) {
        switchesToOnDemand.removeFirst();
      }
      if (switchesToOnDemand.size() >= SWITCHES_TO_ON_DEMAND_PER_DAY) {
        Instant next = switchesToOnDemand.peekFirst().plus(SWITCH_WINDOW);
        throw error(
            LimitExceededException.builder(),
            "LimitExceededException",
            "Subscriber limit exceeded: Update to PayPerRequest mode are limited to "
                + SWITCHES_TO_ON_DEMAND_PER_DAY
                + " times in 1 day(s). Last update at "
                + switchesToOnDemand.peekLast()
                + ". Next update can be made at "
                + next);
      }
    }

    void recordSwitchToOnDemand(Instant now) {
      switchesToOnDemand.addLast(now);
      lastToOnDemand = now;
    }
  }

  /** Decreases and increases of one table's or index's provisioned throughput. */
  private static final class ThroughputHistory {
    /** The UTC day {@link #decreases} counts. */
    LocalDate day;

    int decreases;
    Instant lastDecrease;
    Instant lastIncrease;

    int decreasesToday(Instant now) {
      return utcDay(now).equals(day) ? decreases : 0;
    }

    void refuseDecrease(Instant now) {
      int today = decreasesToday(now);
      if (today < FREE_DECREASES_PER_UTC_DAY) {
        return;
      }
      Instant spaced = lastDecrease.plus(DECREASE_SPACING);
      if (!now.isBefore(spaced)) {
        return;
      }
      Instant midnight = utcDay(now).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant next = spaced.isBefore(midnight) ? spaced : midnight;
      throw error(
          LimitExceededException.builder(),
          "LimitExceededException",
          "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given"
              + " UTC day. After the first "
              + FREE_DECREASES_PER_UTC_DAY
              + " decreases, each subsequent decrease in the same UTC day can"
              + " be performed at most once every "
              + DECREASE_SPACING.toSeconds()
              + " seconds. Number of decreases"
              + " today: "
              + today
              + ". Last decrease at "
              + lastDecrease
              + ". Next decrease can be made at "
              + next);
    }

    void record(Change change, Instant now) {
      if (change.decrease()) {
        LocalDate today = utcDay(now);
        if (!today.equals(day)) {
          day = today;
          decreases = 0;
        }
        decreases++;
        lastDecrease = now;
      }
      if (change.increase()) {
        lastIncrease = now;
      }
    }

    ProvisionedThroughputDescription inject(
        ProvisionedThroughputDescription throughput, Instant now) {
      return throughput.toBuilder()
          .numberOfDecreasesToday((long) decreasesToday(now))
          .lastDecreaseDateTime(lastDecrease)
          .lastIncreaseDateTime(lastIncrease)
          .build();
    }

    private static LocalDate utcDay(Instant instant) {
      return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
  }
}
