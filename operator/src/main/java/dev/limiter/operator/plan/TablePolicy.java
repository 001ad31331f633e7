package dev.limiter.operator.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator-wide rules on which tables a RateLimiterTable may name and take over, set by the
 * platform team (flags / Helm values), not by the namespace user.
 *
 * @param namePrefix every table the operator manages must start with it ({@code ""}: no prefix), so
 *     its IAM policy can name {@code table/<prefix>*} instead of every table of the account
 * @param grants which namespaces may adopt which existing tables (empty: none may)
 */
public record TablePolicy(String namePrefix, List<AdoptionGrant> grants) {

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]*");
  private static final Pattern NAMESPACE = Pattern.compile("\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern TABLE_PATTERN = Pattern.compile("[A-Za-z0-9_.*-]+");

  /** No prefix, no adoption. */
  public static final TablePolicy NONE = new TablePolicy("", List.of());

  /** Checks the prefix and copies the list. */
  public TablePolicy {
    if (namePrefix == null || !PREFIX.matcher(namePrefix).matches() || namePrefix.length() > 200) {
      throw new IllegalArgumentException(
          "table-name prefix '"
              + namePrefix
              + "' may hold only letters, digits, '_', '.' and '-'"
              + " (at most 200)");
    }
    grants = List.copyOf(grants);
  }

  /**
   * One grant: RateLimiterTables in {@code namespace} ({@code *}: any) may adopt existing tables
   * whose name matches {@code tablePattern} ({@code *} matches any run of characters).
   */
  public record AdoptionGrant(String namespace, String tablePattern) {

    /** Whether this grant lets {@code namespace} adopt {@code table}. */
    public boolean allows(String namespace, String table) {
      return ("*".equals(this.namespace) || this.namespace.equals(namespace))
          && glob(tablePattern).matcher(table).matches();
    }

    @Override
    public String toString() {
      return namespace + ":" + tablePattern;
    }

    private static Pattern glob(String pattern) {
      return Pattern.compile(
          Arrays.stream(pattern.split("\\*", -1))
              .map(Pattern::quote)
              .collect(Collectors.joining(".*")));
    }
  }

  /**
   * Parses {@code namespace:pattern} grants separated by commas, e.g. {@code
   * ops:legacy-*,team-a:team-a-limits} (blank: none); IllegalArgumentException names the entry at
   * fault.
   */
  public static List<AdoptionGrant> parseGrants(String text) {
    List<AdoptionGrant> grants = new ArrayList<>();
    for (String entry : text.split(",")) {
      String grant = entry.trim();
      if (grant.isEmpty()) {
        continue;
      }
      int colon = grant.indexOf(':');
      String namespace = colon < 0 ? "" : grant.substring(0, colon);
      String pattern = colon < 0 ? "" : grant.substring(colon + 1);
      if (!NAMESPACE.matcher(namespace).matches() || !TABLE_PATTERN.matcher(pattern).matches()) {
        throw new IllegalArgumentException(
            "adoption grant '"
                + grant
                + "' is not <namespace>:<table pattern> (namespace or *,"
                + " pattern of letters, digits, '_', '.', '-' and '*')");
      }
      grants.add(new AdoptionGrant(namespace, pattern));
    }
    return grants;
  }

  /** Whether some grant lets {@code namespace} adopt {@code table}. */
  public boolean allowsAdoption(String namespace, String table) {
    return grants.stream().anyMatch(grant -> grant.allows(namespace, table));
  }
}
