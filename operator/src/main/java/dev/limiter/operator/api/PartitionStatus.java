package dev.limiter.operator.api;

/**
 * The estimated partitions of the table. DynamoDB splits a partition at 10 GB, 3,000 read units or
 * 1,000 write units and never merges partitions, so the estimate uses the highest throughput ever
 * seen; provisioned capacity is shared evenly by the partitions.
 *
 * @param estimated estimated partition count
 * @param tableSizeBytes table size as DescribeTable reports it
 * @param highestReadCapacityUnits highest read units seen on the table
 * @param highestWriteCapacityUnits highest write units seen on the table
 * @param readCapacityPerPartition read units one partition key can get
 * @param writeCapacityPerPartition write units one partition key can get
 */
public record PartitionStatus(
    Long estimated,
    Long tableSizeBytes,
    Long highestReadCapacityUnits,
    Long highestWriteCapacityUnits,
    Long readCapacityPerPartition,
    Long writeCapacityPerPartition) {}
