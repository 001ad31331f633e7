package dev.limiter.operator.plan.automation;

import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;

/**
 * One scalable dimension of the table or of a GSI, as Application Auto Scaling names it.
 *
 * @param resourceId {@code table/NAME} or {@code table/NAME/index/INDEX}
 * @param dimension the scalable dimension
 */
public record ScalingKey(String resourceId, ScalableDimension dimension) {

  /** The table's read or write dimension. */
  public static ScalingKey table(String table, boolean read) {
    return new ScalingKey(
        tableResource(table),
        read
            ? ScalableDimension.DYNAMODB_TABLE_READ_CAPACITY_UNITS
            : ScalableDimension.DYNAMODB_TABLE_WRITE_CAPACITY_UNITS);
  }

  /** A GSI's read or write dimension. */
  public static ScalingKey index(String table, String index, boolean read) {
    return new ScalingKey(
        indexResource(table, index),
        read
            ? ScalableDimension.DYNAMODB_INDEX_READ_CAPACITY_UNITS
            : ScalableDimension.DYNAMODB_INDEX_WRITE_CAPACITY_UNITS);
  }

  /** {@code table/NAME}. */
  public static String tableResource(String table) {
    return "table/" + table;
  }

  /** {@code table/NAME/index/INDEX}. */
  public static String indexResource(String table, String index) {
    return "table/" + table + "/index/" + index;
  }

  /** Whether this is a read dimension. */
  public boolean read() {
    return dimension == ScalableDimension.DYNAMODB_TABLE_READ_CAPACITY_UNITS
        || dimension == ScalableDimension.DYNAMODB_INDEX_READ_CAPACITY_UNITS;
  }
}
