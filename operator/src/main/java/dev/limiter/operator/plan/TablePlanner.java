package dev.limiter.operator.plan;

import static dev.limiter.operator.api.ConditionTypes.BILLING_MODE_COOLDOWN;
import static dev.limiter.operator.api.ConditionTypes.CAPACITY_SYNCED;
import static dev.limiter.operator.api.ConditionTypes.READY;
import static dev.limiter.operator.api.ConditionTypes.TABLE_READY;

import dev.limiter.operator.api.BillingModeSwitch;
import dev.limiter.operator.api.ConditionReasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Plans one reconcile pass of a RateLimiterTable: {@code (desired, observed, history, now) →
 * (actions, conditions, wake-up)}. Pure; every rule of the operator lives here or in the deciders
 * it calls.
 *
 * <p>Rules: create a missing table; touch nothing that belongs to someone else (an existing table
 * without the ownership tag is adopted only when the resource asks and the operator's adoption
 * grants allow it) or that lacks the limiter's key schema and indexes; change nothing while the
 * table is not ACTIVE; a table being adopted is only tagged with its owner, and changed from the
 * pass that reads that tag back (the operator's IAM policy allows changes only to tagged tables,
 * and of two adopters the one whose tag landed last is the owner); a setting the spec leaves unset
 * is left as the table has it; at most one UpdateTable per pass, capacity first, then the stream,
 * then deletion protection; TTL, point-in-time recovery and tags are separate fast calls made in
 * the same pass; deferrals are reported with their exact time and woken up for; a converged table
 * gets no call.
 */
public final class TablePlanner {

  private static final ConditionStatus NO_SWITCH_PENDING =
      ConditionStatus.isFalse(
          BILLING_MODE_COOLDOWN, "NoSwitchPending", "no billing-mode switch is waiting");

  /** How soon to look again at a table that is being created or updated. */
  public static final Duration BUSY_POLL = Duration.ofSeconds(10);

  private TablePlanner() {}

  /** Plans a pass whose billing-mode switch, if any, the spec asks for. */
  public static TablePlan plan(
      DesiredTable desired,
      Optional<ObservedTable> observed,
      List<BillingSwitchGuard.Switch> history,
      Instant now) {
    return plan(desired, observed, history, now, "spec");
  }

  /** Plans a pass; a billing-mode switch is recorded with {@code switchReason}. */
  public static TablePlan plan(
      DesiredTable desired,
      Optional<ObservedTable> observed,
      List<BillingSwitchGuard.Switch> history,
      Instant now,
      String switchReason) {
    if (observed.isEmpty()) {
      return create(desired, now);
    }
    ObservedTable table = observed.get();
    if (!table.active()) {
      // Its tags are read once it is ACTIVE; a busy table gets no call, whoever owns it.
      return busy(table, now);
    }
    if (!ownsOrMayAdopt(desired, table)) {
      return conflict(desired, table.tags().get(DesiredTable.OWNER_TAG));
    }
    List<String> differences = TableCompatibility.differences(table.schema());
    if (!differences.isEmpty()) {
      return incompatible(TableCompatibility.message(table.name(), differences));
    }
    if (!table.tags().containsKey(DesiredTable.OWNER_TAG)) {
      return claim(desired, table, now);
    }
    return active(desired, table, history, now, switchReason);
  }

  /**
   * Whether the resource manages {@code table}: its ownership tag names the resource and the
   * limiter can use it. Nothing else (automation, items) is changed on a table this refuses, a
   * table being adopted included until its tag is read back.
   */
  public static boolean manages(DesiredTable desired, ObservedTable table) {
    return desired.owner().equals(table.tags().get(DesiredTable.OWNER_TAG))
        && TableCompatibility.differences(table.schema()).isEmpty();
  }

  private static boolean ownsOrMayAdopt(DesiredTable desired, ObservedTable table) {
    String owner = table.tags().get(DesiredTable.OWNER_TAG);
    return owner == null
        ? desired.adoption() == DesiredTable.Adoption.GRANTED
        : owner.equals(desired.owner());
  }

  private static TablePlan create(DesiredTable desired, Instant now) {
    String message = "creating table " + desired.name();
    return new TablePlan(
        List.of(new TableAction.Create(TableRequests.create(desired))),
        List.of(
            ConditionStatus.isFalse(TABLE_READY, "Creating", message),
            ConditionStatus.unknown(CAPACITY_SYNCED, "Creating", "the table is being created"),
            NO_SWITCH_PENDING,
            ConditionStatus.isFalse(READY, "Creating", message)),
        Optional.empty(),
        List.of("Creating DynamoDB table " + desired.name()),
        Optional.of(now.plus(BUSY_POLL)),
        false);
  }

  private static TablePlan conflict(DesiredTable desired, String owner) {
    String exists =
        "table " + desired.name() + " already exists and was not created by this resource; ";
    String message;
    if (owner != null) {
      message = "table " + desired.name() + " belongs to " + owner + ", not to " + desired.owner();
    } else if (desired.adoption() == DesiredTable.Adoption.NOT_GRANTED) {
      String namespace = desired.owner().substring(0, desired.owner().indexOf('/'));
      message =
          exists
              + "the operator does not let namespace "
              + namespace
              + " adopt it (its --adopt grants list which namespaces may adopt which tables);"
              + " choose another tableName or ask the platform team";
    } else {
      message =
          exists
              + "annotate the resource with "
              + DesiredTables.ADOPT_ANNOTATION
              + "=\"true\" to take it over (the"
              + " operator must also grant it), or choose another tableName";
    }
    return new TablePlan(
        List.of(),
        List.of(
            ConditionStatus.isFalse(TABLE_READY, ConditionReasons.TABLE_CONFLICT, message),
            ConditionStatus.unknown(
                CAPACITY_SYNCED,
                ConditionReasons.TABLE_CONFLICT,
                "the table is not managed by this resource"),
            NO_SWITCH_PENDING,
            ConditionStatus.isFalse(READY, ConditionReasons.TABLE_CONFLICT, message)),
        Optional.empty(),
        List.of(message),
        Optional.empty(),
        true);
  }

  private static TablePlan incompatible(String message) {
    String reason = ConditionReasons.INCOMPATIBLE_TABLE;
    return new TablePlan(
        List.of(),
        List.of(
            ConditionStatus.isFalse(TABLE_READY, reason, message),
            ConditionStatus.unknown(
                CAPACITY_SYNCED, reason, "the table is not managed by this resource"),
            NO_SWITCH_PENDING,
            ConditionStatus.isFalse(READY, reason, message)),
        Optional.empty(),
        List.of(message),
        Optional.empty(),
        true);
  }

  private static TablePlan claim(DesiredTable desired, ObservedTable table, Instant now) {
    String message =
        "adopting table "
            + table.name()
            + ": tagging it with its owner "
            + desired.owner()
            + "; the spec is applied once the tag is read back";
    return new TablePlan(
        List.of(new TableAction.Tag(missingTags(desired.tagsWithOwner(), table.tags()))),
        List.of(
            ConditionStatus.isFalse(TABLE_READY, "Adopting", message),
            ConditionStatus.unknown(CAPACITY_SYNCED, "Adopting", message),
            NO_SWITCH_PENDING,
            ConditionStatus.isFalse(READY, "Adopting", message)),
        Optional.empty(),
        List.of("Adopting existing table " + table.name()),
        Optional.of(now.plus(BUSY_POLL)),
        false);
  }

  private static TablePlan busy(ObservedTable table, Instant now) {
    String reason = pascal(table.status());
    String message =
        "table " + table.name() + " is " + table.status() + "; changes wait until it is ACTIVE";
    return new TablePlan(
        List.of(),
        List.of(
            ConditionStatus.isFalse(TABLE_READY, reason, message),
            ConditionStatus.unknown(CAPACITY_SYNCED, reason, message),
            NO_SWITCH_PENDING,
            ConditionStatus.isFalse(READY, reason, message)),
        Optional.empty(),
        List.of(),
        Optional.of(now.plus(BUSY_POLL)),
        false);
  }

  private static TablePlan active(
      DesiredTable desired,
      ObservedTable table,
      List<BillingSwitchGuard.Switch> history,
      Instant now,
      String switchReason) {
    List<TableAction> actions = new ArrayList<>();
    List<String> events = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    Optional<BillingModeSwitch> switchMade = Optional.empty();
    Optional<Deferral> deferral = Optional.empty();
    ConditionStatus cooldown = NO_SWITCH_PENDING;
    ConditionStatus capacitySynced;

    CapacityDecision decision =
        CapacityDecider.decide(desired.capacity(), table.capacity(), history, now);
    if (decision instanceof CapacityDecision.SwitchBillingMode change) {
      String purpose = "switch billing mode to " + change.to();
      actions.add(
          new TableAction.Update(
              TableRequests.switchBillingMode(table.name(), change, desired.capacity()), purpose));
      switchMade = Optional.of(new BillingModeSwitch(now.toString(), change.to(), switchReason));
      capacitySynced = ConditionStatus.isFalse(CAPACITY_SYNCED, "Updating", purpose);
    } else if (decision instanceof CapacityDecision.UpdateThroughput change) {
      String purpose = "set provisioned throughput" + describe(change);
      actions.add(new TableAction.Update(TableRequests.throughput(table.name(), change), purpose));
      deferral = change.remaining();
      capacitySynced =
          ConditionStatus.isFalse(
              CAPACITY_SYNCED,
              "Updating",
              purpose + change.remaining().map(d -> "; " + d.message()).orElse(""));
    } else if (decision instanceof CapacityDecision.UpdateOnDemandCaps change) {
      String purpose =
          "set on-demand caps to "
              + change.maxReadRequestUnits()
              + " read / "
              + change.maxWriteRequestUnits()
              + " write";
      actions.add(
          new TableAction.Update(TableRequests.onDemandCaps(table.name(), change), purpose));
      capacitySynced = ConditionStatus.isFalse(CAPACITY_SYNCED, "Updating", purpose);
    } else if (decision instanceof CapacityDecision.Deferred deferred) {
      deferral = Optional.of(deferred.deferral());
      capacitySynced =
          ConditionStatus.isFalse(
              CAPACITY_SYNCED, deferred.deferral().reason(), deferred.deferral().message());
      if (!ConditionReasons.DECREASE_QUOTA.equals(deferred.deferral().reason())) {
        cooldown =
            ConditionStatus.isTrue(
                BILLING_MODE_COOLDOWN, deferred.deferral().reason(), deferred.deferral().message());
      }
      events.add(deferred.deferral().message());
    } else {
      capacitySynced =
          ConditionStatus.isTrue(
              CAPACITY_SYNCED, "InSync", "billing mode and throughput match the spec");
    }

    boolean updatePlanned = !actions.isEmpty();
    if (desired.stream() != null && desired.stream() != table.streamEnabled()) {
      if (updatePlanned) {
        pending.add("stream");
      } else {
        actions.add(
            new TableAction.Update(
                TableRequests.stream(table.name(), desired.stream()),
                (desired.stream() ? "enable" : "disable") + " the stream"));
        updatePlanned = true;
      }
    }
    if (desired.deletionProtection() != null
        && desired.deletionProtection() != table.deletionProtection()) {
      if (updatePlanned) {
        pending.add("deletion protection");
      } else {
        actions.add(
            new TableAction.Update(
                TableRequests.deletionProtection(table.name(), desired.deletionProtection()),
                (desired.deletionProtection() ? "enable" : "disable") + " deletion protection"));
        updatePlanned = true;
      }
    }
    boolean ttlSettled =
        table.timeToLive() == TimeToLiveStatus.ENABLED
            || table.timeToLive() == TimeToLiveStatus.DISABLED;
    if (desired.timeToLive() != null
        && desired.timeToLive()
            != (table.timeToLive() == TimeToLiveStatus.ENABLED
                || table.timeToLive() == TimeToLiveStatus.ENABLING)) {
      if (ttlSettled) {
        actions.add(new TableAction.SetTimeToLive(desired.timeToLive()));
      } else {
        pending.add("time to live (" + table.timeToLive() + ")");
      }
    }
    if (desired.pointInTimeRecovery() != null
        && desired.pointInTimeRecovery() != table.pointInTimeRecovery()) {
      actions.add(new TableAction.SetPointInTimeRecovery(desired.pointInTimeRecovery()));
    }
    Map<String, String> missingTags = missingTags(desired.tagsWithOwner(), table.tags());
    if (!missingTags.isEmpty()) {
      actions.add(new TableAction.Tag(missingTags));
    }
    actions.stream()
        .filter(TableAction.Update.class::isInstance)
        .forEach(update -> events.add("Updating table " + table.name() + ": " + update.describe()));

    ConditionStatus ready;
    if (deferral.isPresent() && actions.isEmpty()) {
      ready = ConditionStatus.isFalse(READY, deferral.get().reason(), deferral.get().message());
    } else if (!actions.isEmpty() || !pending.isEmpty()) {
      List<String> work = new ArrayList<>();
      actions.forEach(a -> work.add(a.describe()));
      pending.forEach(p -> work.add(p + " (next pass)"));
      ready = ConditionStatus.isFalse(READY, "Reconciling", String.join("; ", work));
    } else {
      ready = ConditionStatus.isTrue(READY, "Ready", "table " + table.name() + " matches the spec");
    }
    // Any call made or waiting is checked again soon; otherwise only a deferral sets the time.
    Optional<Instant> wakeAt =
        !actions.isEmpty() || !pending.isEmpty()
            ? Optional.of(now.plus(BUSY_POLL))
            : deferral.map(Deferral::until);
    return new TablePlan(
        actions,
        List.of(
            ConditionStatus.isTrue(TABLE_READY, "Active", "table " + table.name() + " is ACTIVE"),
            capacitySynced,
            cooldown,
            ready),
        switchMade,
        events,
        wakeAt,
        false);
  }

  private static Map<String, String> missingTags(
      Map<String, String> wanted, Map<String, String> actual) {
    Map<String, String> missing = new TreeMap<>();
    wanted.forEach(
        (key, value) -> {
          if (!value.equals(actual.get(key))) {
            missing.put(key, value);
          }
        });
    return missing;
  }

  private static String describe(CapacityDecision.UpdateThroughput change) {
    StringBuilder text = new StringBuilder();
    if (change.table() != null) {
      text.append(" of the table to ")
          .append(change.table().read())
          .append(" read / ")
          .append(change.table().write())
          .append(" write");
    }
    change
        .indexes()
        .forEach(
            (index, throughput) ->
                text.append(text.length() == 0 ? " of" : ",")
                    .append(" index ")
                    .append(index)
                    .append(" to ")
                    .append(throughput.read())
                    .append(" read / ")
                    .append(throughput.write())
                    .append(" write"));
    return text.toString();
  }

  /**
   * CREATING → Creating, INACCESSIBLE_ENCRYPTION_CREDENTIALS → InaccessibleEncryptionCredentials.
   */
  private static String pascal(String status) {
    StringBuilder reason = new StringBuilder();
    for (String word : status.toLowerCase(Locale.ROOT).split("_")) {
      if (!word.isEmpty()) {
        reason.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
      }
    }
    return reason.toString();
  }
}
