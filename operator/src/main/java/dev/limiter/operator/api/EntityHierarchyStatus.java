package dev.limiter.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Observed state of an entity hierarchy.
 *
 * @param observedGeneration the spec generation this status describes
 * @param tableName the DynamoDB table the hierarchy is written to
 * @param entities entities applied
 * @param limits stored-limit items applied (system, resource, entity and entity-resource levels)
 * @param shards bucket shards declared over all entities
 * @param localReservations stored-limit items declaring a local reservation ({@code 0s}, off,
 *     included); null for none
 * @param itemsWritten items written (created or changed) by the last pass that changed anything
 * @param itemsDeleted items deleted by the last pass that changed anything
 * @param itemsPending items still to write or delete, as of the last pass
 * @param appliedDigest digest of the spec last applied completely
 * @param tableArn ARN of the table the digest was applied to
 * @param tableCreatedAt creation time of that table: with the ARN its identity (a recreated table
 *     keeps the ARN)
 * @param conditions Ready, Synced, TableReady, Conflict
 */
public record EntityHierarchyStatus(
    Long observedGeneration,
    String tableName,
    Long entities,
    Long limits,
    Long shards,
    @JsonPropertyDescription(
            "Stored-limit items (system, resource, entity, entity-resource) declaring a local"
                + " reservation, 0s (off) included; absent for none")
        Long localReservations,
    Long itemsWritten,
    Long itemsDeleted,
    Long itemsPending,
    @JsonPropertyDescription(
            "Digest of the spec last applied completely; an unchanged spec is not re-applied")
        String appliedDigest,
    @JsonPropertyDescription("ARN of the table the applied digest holds for") String tableArn,
    @JsonPropertyDescription(
            "Creation time of the table the applied digest holds for (a table recreated under the"
                + " same name is applied again)")
        String tableCreatedAt,
    List<Condition> conditions) {}
