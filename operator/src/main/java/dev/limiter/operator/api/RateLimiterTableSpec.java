package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/**
 * Desired state of a limiter table.
 *
 * @param tableName DynamoDB table name; defaults to {@code <namespace>-<name>}; immutable once set
 * @param region AWS region; defaults to the operator's configured region
 * @param billing capacity mode and its settings
 * @param timeToLive enable DynamoDB TTL on the runtime's TTL attribute; unset leaves an existing
 *     table's setting
 * @param stream enable a NEW_AND_OLD_IMAGES stream (usage aggregation); unset leaves an existing
 *     table's stream
 * @param pointInTimeRecovery enable continuous backups; unset leaves an existing table's setting
 * @param deletionProtection refuse table deletion in AWS; default true
 * @param deletionPolicy what deleting the resource does to the table; default Retain
 * @param tags AWS tags applied to the table
 * @param autoscaling target-tracking autoscaling (Provisioned mode)
 * @param alarms the runbook's CloudWatch alarms
 * @param contributorInsights Contributor Insights on the table and its GSIs; unset leaves the
 *     table's
 * @param emergency what to do when the table throttles
 * @param diagnosis how often throttling is diagnosed from CloudWatch metrics
 */
@ValidationRule(
    value =
        "!has(oldSelf.tableName) || (has(self.tableName) && self.tableName == oldSelf.tableName)",
    message = "tableName is immutable once set")
public record RateLimiterTableSpec(
    @JsonPropertyDescription(
            "DynamoDB table name; defaults to <namespace>-<name>; immutable once set")
        @Pattern("^[A-Za-z0-9_.-]+$")
        @Size(min = 3, max = 255)
        String tableName,
    @JsonPropertyDescription("AWS region; defaults to the operator's configured region")
        @Pattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")
        String region,
    @JsonPropertyDescription("Capacity mode and its settings") @Required Billing billing,
    @JsonPropertyDescription(
            "Enable DynamoDB time to live on the limiter's TTL attribute; unset leaves an existing"
                + " table's setting as it is")
        Boolean timeToLive,
    @JsonPropertyDescription(
            "Enable a NEW_AND_OLD_IMAGES stream for usage aggregation; unset leaves an existing"
                + " table's stream as it is")
        Boolean stream,
    @JsonPropertyDescription(
            "Enable point-in-time recovery (continuous backups); unset leaves an existing table's"
                + " setting as it is")
        Boolean pointInTimeRecovery,
    @JsonPropertyDescription("Refuse deletion of the table in AWS; default true") @Default("true")
        Boolean deletionProtection,
    @JsonPropertyDescription(
            "Retain (default) keeps the table when the resource is deleted; Delete deletes it")
        @Default("Retain")
        DeletionPolicy deletionPolicy,
    @JsonPropertyDescription("AWS tags applied to the table") @Size(max = 50)
        Map<String, String> tags,
    @JsonPropertyDescription(
            "Target-tracking autoscaling; applies in Provisioned mode, and owns the units while"
                + " set")
        Autoscaling autoscaling,
    @JsonPropertyDescription("CloudWatch alarms on throttling and capacity") Alarms alarms,
    @JsonPropertyDescription(
            "DynamoDB Contributor Insights (finds hot keys); unset leaves the table's as it is")
        ContributorInsights contributorInsights,
    @JsonPropertyDescription("The emergency runbook: what to do when the table throttles")
        Emergency emergency,
    @JsonPropertyDescription("Throttling diagnosis from CloudWatch metrics") Diagnosis diagnosis) {

  /** The deletion policy, Retain by default. */
  public DeletionPolicy deletionPolicyOrDefault() {
    return deletionPolicy == null ? DeletionPolicy.Retain : deletionPolicy;
  }
}
