package dev.limiter.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limiter.operator.plan.DesiredTable;
import dev.limiter.testkit.AwsOperationLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/iam-policy.json} grants exactly the AWS actions the operator calls: none missing (the
 * operator would fail with {@code AccessDeniedException} on AWS) and none unused (the role would
 * hold more than it needs).
 *
 * <p>What the operator calls is what this module's tests made it call: every AWS client they build
 * comes from {@code DynamoDbLocal} (DynamoDB) or {@code AwsWireStub} (Application Auto Scaling and
 * CloudWatch, which have no local emulator), the peers of every AWS call in these tests, and both
 * add the JVM-wide {@link AwsOperationLog} to each client. The log records at the SDK client, so it
 * sees only real calls: {@code FakeDynamoDbTables} answers tags and point-in-time recovery from
 * memory without calling DynamoDB Local, which is why {@code SdkDynamoDbTablesTest} drives every
 * method of the production adapter against DynamoDB Local (whose {@code UnknownOperationException}
 * for some of them does not matter: the attempt is what IAM authorises, and it is recorded). A call
 * no test makes through an SDK client is invisible here, so a new AWS call needs such a test before
 * this one can demand it in the policy.
 *
 * <p>The log fills as the other test classes run, so this class runs last in the module's test JVM
 * ({@code junit-platform.properties} orders classes by {@link Order}), and skips when the log is
 * empty because it was run on its own.
 *
 * <p>Every recorded operation counts as the operator's. Recording every client, rather than only
 * those behind the operator's adapter, keeps production code unaware of tests; it holds because
 * this module's tests call AWS only through the operator's code or with calls the operator makes
 * itself (creating a table someone else owns, for instance). There is deliberately no allowlist of
 * "setup only" operations: item operations, the obvious candidates, are about to become the
 * operator's own (bulk writes of entity items), and an allowlisted operation the operator starts
 * calling would silently stay out of the policy. A test that needs an operation the operator never
 * makes would fail here, naming it, and should be reconsidered before this rule is.
 */
@Order(Integer.MAX_VALUE)
class IamPolicyTest {

  private static final Path POLICY = Path.of("../docs/iam-policy.json");

  /** {@code service:Operation} with no wildcard: the comparison is by exact name. */
  private static final Pattern ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9]+");

  /**
   * DynamoDB operations that change nothing; every other one is checked for the ownership
   * condition.
   */
  private static final Pattern READ_ONLY =
      Pattern.compile("(Describe|List|Get|BatchGet|Query|Scan).*");

  @Test
  void policyGrantsExactlyTheActionsTheOperatorsTestsInvoked() throws IOException {
    SortedSet<String> recorded = AwsOperationLog.global().iamActions();
    assumeFalse(
        recorded.isEmpty(),
        "no AWS operation was recorded in this JVM: this test compares the policy with what the"
            + " whole operator module's test run invoked, so run all of it (mvn -pl operator -am"
            + " verify)");
    SortedSet<String> granted = grantedActions();

    SortedSet<String> missing = new TreeSet<>(recorded);
    missing.removeAll(granted);
    SortedSet<String> unused = new TreeSet<>(granted);
    unused.removeAll(recorded);
    SoftAssertions.assertSoftly(
        softly -> {
          softly
              .assertThat(missing)
              .as(
                  "AWS operations the operator's tests invoked that %s does not grant (add them)",
                  POLICY)
              .isEmpty();
          softly
              .assertThat(unused)
              .as(
                  "actions %s grants that no test in this run invoked (remove them, or test the"
                      + " code path that calls them through the SDK; a partial run, e.g."
                      + " -Dtest=..., leaves some out)",
                  POLICY)
              .isEmpty();
        });
  }

  /**
   * The policy is in the form the comparison reads: allows only, by exact action name (a wildcard
   * or {@code NotAction} would grant actions the comparison cannot see). Needs no recorded
   * operations, so it runs on its own too.
   */
  @Test
  void policyNamesEachActionExactly() throws IOException {
    JsonNode policy = readPolicy();
    assertThat(policy.path("Version").asText())
        .as("policy language version")
        .isEqualTo("2012-10-17");
    assertThat(policy.path("Statement").isArray()).as("Statement is a list").isTrue();
    for (JsonNode statement : policy.path("Statement")) {
      String sid = statement.path("Sid").asText();
      assertThat(sid).as("every statement has a Sid").isNotBlank();
      assertThat(statement.path("Effect").asText()).as("Effect of %s", sid).isEqualTo("Allow");
      assertThat(statement.has("NotAction")).as("%s uses Action, not NotAction", sid).isFalse();
      assertThat(strings(statement.path("Action")))
          .as("actions of %s", sid)
          .isNotEmpty()
          .allSatisfy(action -> assertThat(action).matches(ACTION));
    }
  }

  /**
   * Every DynamoDB action that changes something is granted only on a table carrying the operator's
   * ownership tag ({@code aws:ResourceTag}), or, for CreateTable, only when the request puts that
   * tag on the new table ({@code aws:RequestTag}); TagResource may be either (creation and adoption
   * put the tag on a table that has none yet). So a role mistakenly asked to change a table nobody
   * gave the operator is refused by AWS, whatever the operator's own checks decide.
   */
  @Test
  void everyMutatingDynamoDbActionIsConditionedOnTheOwnershipTag() throws IOException {
    String resourceTag = "aws:ResourceTag/" + DesiredTable.OWNER_TAG;
    String requestTag = "aws:RequestTag/" + DesiredTable.OWNER_TAG;
    List<String> mutating = new ArrayList<>();
    SoftAssertions.assertSoftly(
        softly -> {
          try {
            for (JsonNode statement : readPolicy().path("Statement")) {
              Set<String> tagged = ownerTagRequired(statement);
              for (String action : strings(statement.path("Action"))) {
                if (!action.startsWith("dynamodb:")
                    || READ_ONLY.matcher(action.substring("dynamodb:".length())).matches()) {
                  continue;
                }
                mutating.add(action);
                Set<String> allowed =
                    switch (action) {
                      case "dynamodb:CreateTable" -> Set.of(requestTag);
                      case "dynamodb:TagResource" -> Set.of(requestTag, resourceTag);
                      default -> Set.of(resourceTag);
                    };
                softly
                    .assertThat(tagged)
                    .as(
                        "%s in %s must require one of %s to be present (Null: false)",
                        action, statement.path("Sid").asText(), allowed)
                    .containsAnyElementsOf(allowed);
                softly
                    .assertThat(allowed)
                    .as(
                        "%s in %s is conditioned on a key that does not apply to it",
                        action, statement.path("Sid").asText())
                    .containsAll(tagged);
              }
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    assertThat(mutating)
        .as("the check saw the mutating actions")
        .contains(
            "dynamodb:CreateTable",
            "dynamodb:UpdateTable",
            "dynamodb:DeleteTable",
            "dynamodb:TagResource",
            "dynamodb:UpdateTimeToLive",
            "dynamodb:UpdateContinuousBackups",
            "dynamodb:UpdateContributorInsights",
            "dynamodb:BatchWriteItem");
  }

  /**
   * No statement lets the operator rewrite the ownership tag of a table that already has one: a
   * TagResource that may carry {@code limiter.dev/owner} is allowed only on a table without that
   * tag (adoption, {@code "Null": {"aws:ResourceTag/…": "true"}}), and on an owned table
   * TagResource and UntagResource may not name the key ({@code ForAllValues:StringNotEquals
   * aws:TagKeys}). So neither a bug nor a second adopter can hand another resource's table to
   * someone else.
   */
  @Test
  void theOwnershipTagOfAnOwnedTableCannotBeRewritten() throws IOException {
    String resourceTag = "aws:ResourceTag/" + DesiredTable.OWNER_TAG;
    List<String> checked = new ArrayList<>();
    SoftAssertions.assertSoftly(
        softly -> {
          try {
            for (JsonNode statement : readPolicy().path("Statement")) {
              List<String> actions = strings(statement.path("Action"));
              if (!actions.contains("dynamodb:TagResource")
                  && !actions.contains("dynamodb:UntagResource")) {
                continue;
              }
              String sid = statement.path("Sid").asText();
              checked.add(sid);
              JsonNode condition = statement.path("Condition");
              boolean onlyUnowned =
                  "true".equals(condition.path("Null").path(resourceTag).asText());
              boolean ownerKeyExcluded =
                  strings(condition.path("ForAllValues:StringNotEquals").path("aws:TagKeys"))
                      .contains(DesiredTable.OWNER_TAG);
              softly
                  .assertThat(onlyUnowned || ownerKeyExcluded)
                  .as(
                      "%s must either apply only to tables without %s (Null: true) or exclude that"
                          + " key from aws:TagKeys",
                      sid, resourceTag)
                  .isTrue();
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    assertThat(checked).as("statements granting TagResource or UntagResource").isNotEmpty();
  }

  /**
   * The tag condition keys {@code statement} requires to be present ({@code "Null": {key:
   * "false"}}).
   */
  private static Set<String> ownerTagRequired(JsonNode statement) {
    Set<String> keys = new TreeSet<>();
    statement
        .path("Condition")
        .path("Null")
        .fields()
        .forEachRemaining(
            entry -> {
              if ("false".equals(entry.getValue().asText())) {
                keys.add(entry.getKey());
              }
            });
    return keys;
  }

  private static JsonNode readPolicy() throws IOException {
    return new ObjectMapper().readTree(POLICY.toFile());
  }

  /** Every action of every statement. */
  private static SortedSet<String> grantedActions() throws IOException {
    SortedSet<String> actions = new TreeSet<>();
    for (JsonNode statement : readPolicy().path("Statement")) {
      actions.addAll(strings(statement.path("Action")));
    }
    return actions;
  }

  /** IAM allows a single string where a list is expected. */
  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(value -> values.add(value.asText()));
    } else if (node.isTextual()) {
      values.add(node.asText());
    }
    return values;
  }
}
