package dev.limiter.operator.aws;

import java.util.function.Function;

/**
 * How the operator reaches AWS in each region.
 *
 * @param tables the DynamoDB control plane of a region (tables, Contributor Insights)
 * @param items the hierarchy items in a region's tables
 * @param scaling Application Auto Scaling of a region
 * @param alarms CloudWatch alarms of a region
 * @param metrics CloudWatch metrics of a region
 */
public record AwsAccess(
    Function<String, DynamoDbTables> tables,
    Function<String, HierarchyItems> items,
    Function<String, TableScaling> scaling,
    Function<String, TableAlarms> alarms,
    Function<String, TableMetrics> metrics) {}
