package dev.limiter.operator.plan.automation;

import static dev.limiter.operator.api.ConditionTypes.CONTRIBUTOR_INSIGHTS_SYNCED;

import dev.limiter.operator.plan.ConditionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsAction;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsMode;
import software.amazon.awssdk.services.dynamodb.model.ContributorInsightsStatus;
import software.amazon.awssdk.services.dynamodb.model.DescribeContributorInsightsResponse;

/**
 * Plans Contributor Insights of a table and each of its GSIs. Pure.
 *
 * <p>Rules: the table and every GSI get the spec's mode; a mode change is one ENABLE with the new
 * mode; with Disabled Contributor Insights is disabled; without {@code spec.contributorInsights} it
 * is left as the table has it (an adopted table keeps what it had); a target that is ENABLING or
 * DISABLING is waited for, not called again; a target whose enabling FAILED is reported with
 * DynamoDB's failure and enabled again only {@link #FAILED_RETRY} after it failed.
 */
public final class InsightsPlanner {

  /**
   * How long after DynamoDB reported a target FAILED it is enabled again (the cause, e.g. a quota,
   * rarely clears sooner).
   */
  public static final Duration FAILED_RETRY = Duration.ofMinutes(30);

  /** Reason while a target's enabling failed and waits for its retry. */
  public static final String FAILED = "ContributorInsightsFailed";

  private InsightsPlanner() {}

  /** The plan when the spec sets no Contributor Insights: no call, whatever the table has. */
  public static Section leftAsIs() {
    return new Section(
        List.of(),
        ConditionStatus.isTrue(
            CONTRIBUTOR_INSIGHTS_SYNCED,
            "NotConfigured",
            "spec.contributorInsights is unset: Contributor Insights is left as the table has it"));
  }

  /**
   * The plan.
   *
   * @param table the table
   * @param indexes its GSIs
   * @param mode the wanted mode, empty for disabled
   * @param observed DescribeContributorInsights of the table (key {@code ""}) and of each GSI (key:
   *     its name)
   * @param now the current time, for the retry of a failed target
   */
  public static Section plan(
      String table,
      List<String> indexes,
      Optional<ContributorInsightsMode> mode,
      Map<String, DescribeContributorInsightsResponse> observed,
      Instant now) {
    List<AutomationAction> actions = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    targets.add("");
    indexes.stream().sorted().forEach(targets::add);
    for (String target : targets) {
      String index = target.isEmpty() ? null : target;
      DescribeContributorInsightsResponse current = observed.get(target);
      ContributorInsightsStatus status =
          current == null
              ? ContributorInsightsStatus.DISABLED
              : current.contributorInsightsStatus();
      if (status == ContributorInsightsStatus.ENABLING
          || status == ContributorInsightsStatus.DISABLING) {
        waiting.add((index == null ? "the table" : "index " + index) + " is " + status);
        continue;
      }
      if (status == ContributorInsightsStatus.FAILED && mode.isPresent()) {
        Instant retryAt =
            current.lastUpdateDateTime() == null
                ? now
                : current.lastUpdateDateTime().plus(FAILED_RETRY);
        if (now.isBefore(retryAt)) {
          failed.add(failure(index, current) + "; enabling again at " + retryAt);
          continue;
        }
      }
      boolean enabled = status == ContributorInsightsStatus.ENABLED;
      // A target enabled before modes existed reports none: it records accessed and throttled keys.
      ContributorInsightsMode currentMode = null;
      if (enabled) {
        currentMode =
            current.contributorInsightsMode() != null
                ? current.contributorInsightsMode()
                : ContributorInsightsMode.ACCESSED_AND_THROTTLED_KEYS;
      }
      if (mode.isPresent() && currentMode != mode.get()) {
        actions.add(
            new AutomationAction.SetInsights(
                table, index, ContributorInsightsAction.ENABLE, mode.get()));
      } else if (mode.isEmpty() && (enabled || status == ContributorInsightsStatus.FAILED)) {
        actions.add(
            new AutomationAction.SetInsights(
                table, index, ContributorInsightsAction.DISABLE, null));
      }
    }
    ConditionStatus condition;
    if (actions.isEmpty() && !failed.isEmpty()) {
      List<String> work = new ArrayList<>(failed);
      work.addAll(waiting);
      condition =
          ConditionStatus.isFalse(CONTRIBUTOR_INSIGHTS_SYNCED, FAILED, String.join("; ", work));
    } else if (!actions.isEmpty() || !waiting.isEmpty()) {
      List<String> work =
          new ArrayList<>(actions.stream().map(AutomationAction::describe).toList());
      work.addAll(waiting);
      work.addAll(failed);
      condition =
          ConditionStatus.isFalse(
              CONTRIBUTOR_INSIGHTS_SYNCED,
              actions.isEmpty() ? Section.WAITING : "Updating",
              String.join("; ", work));
    } else {
      condition =
          ConditionStatus.isTrue(
              CONTRIBUTOR_INSIGHTS_SYNCED,
              mode.isPresent() ? "InSync" : "Disabled",
              mode.map(
                      m ->
                          "Contributor Insights records "
                              + m
                              + " on the table and "
                              + indexes.size()
                              + " indexes")
                  .orElse("Contributor Insights is disabled on the table and its indexes"));
    }
    return new Section(actions, condition);
  }

  /** What DynamoDB says about a FAILED target. */
  private static String failure(String index, DescribeContributorInsightsResponse current) {
    String what = (index == null ? "the table" : "index " + index) + " FAILED";
    if (current.lastUpdateDateTime() != null) {
      what += " at " + current.lastUpdateDateTime();
    }
    if (current.failureException() != null) {
      what +=
          " ("
              + current.failureException().exceptionName()
              + ": "
              + current.failureException().exceptionDescription()
              + ")";
    }
    return what;
  }
}
