package dev.limiter.operator.aws;

import java.util.function.Function;

/**
 * How the operator reaches AWS in each region: the tables' control plane and the items the
 * operator writes in them.
 *
 * @param tables the DynamoDB control plane of a region
 * @param items the hierarchy items in a region's tables
 */
public record AwsAccess(Function<String, DynamoDbTables> tables, Function<String, HierarchyItems> items) {
}
