package dev.limiter.runtime;

/**
 * A request asks for more tokens than a limit's capacity, so no amount of waiting would admit it.
 * Raised before any DynamoDB call.
 */
public class RequestExceedsCapacityException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String limitName;
  private final long capacity;
  private final long requested;

  /** {@code requested} tokens of {@code limitName} exceed its {@code capacity}. */
  public RequestExceedsCapacityException(String limitName, long capacity, long requested) {
    super(
        "requested "
            + requested
            + " tokens of limit '"
            + limitName
            + "' but its capacity is "
            + capacity
            + "; such a request can never be admitted");
    this.limitName = limitName;
    this.capacity = capacity;
    this.requested = requested;
  }

  /** The limit the request exceeds. */
  public String limitName() {
    return limitName;
  }

  /** That limit's capacity. */
  public long capacity() {
    return capacity;
  }

  /** Tokens requested. */
  public long requested() {
    return requested;
  }
}
