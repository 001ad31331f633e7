package dev.limiter.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad RateLimiterTable specs are rejected by the generated CRD's schema and CEL rules, good ones
 * are not.
 */
class RateLimiterTableCrdValidationTest {

  private static final Path CRD = Path.of("../crds/ratelimitertables.limiter.dev-v1.yml");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String IMMUTABLE =
      "spec: Invalid value: \"object\": tableName is immutable once set";
  private static final String ONE_OF =
      "spec.billing: Invalid value: \"object\": "
          + "mode Provisioned needs exactly one of provisioned or plan";

  /** Every field set to a legal value, so that each rejection below is caused by its one edit. */
  private static final String VALID =
      """
      apiVersion: limiter.dev/v1alpha1
      kind: RateLimiterTable
      metadata:
        name: limits
        namespace: team-a
      spec:
        tableName: team-a.limits_v2
        region: eu-central-1
        billing:
          mode: Provisioned
          provisioned:
            readCapacityUnits: 5
            writeCapacityUnits: 1000000
            maxIncreasePercent: 1000
          onDemand:
            maxReadRequestUnits: 1
            maxWriteRequestUnits: 40000
          switchCooldown: 1h30m15s
        timeToLive: true
        stream: false
        pointInTimeRecovery: true
        deletionProtection: false
        deletionPolicy: Delete
        tags:
          team: a
          cost-center: "4711"
        autoscaling:
          read: {min: 5, max: 1000, targetUtilizationPercent: 20}
          write: {min: 5, max: 5, targetUtilizationPercent: 90}
          indexes: None
        alarms:
          enabled: true
          actions: [arn:aws:sns:us-east-1:123456789012:alerts]
          throttleEventsThreshold: 1
          capacityUtilizationPercent: 100
        contributorInsights:
          mode: AccessedAndThrottledKeys
        emergency:
          onThrottle: RaiseCapacity
          throttleEventsThreshold: 100
          revertAfter: 24h
          headroomPercent: 0
          raiseStepPercent: 400
          maxReadCapacityUnits: 100
          maxWriteCapacityUnits: 1000000
        diagnosis:
          interval: 5m
      """;

  private static CrdValidator validator;

  @BeforeAll
  static void loadCrd() throws IOException {
    validator = CrdValidator.load(CRD, "v1alpha1");
  }

  static List<Path> samples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../config/samples"))) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("ratelimitertable-"))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleIsValid(Path sample) throws IOException {
    assertThat(validator.validate(CrdValidator.readYaml(sample))).isEmpty();
  }

  @Test
  void validExamplesPass() {
    assertThat(validator.validate(valid())).isEmpty();
    assertThat(
            validator.validate(
                usePlan()
                    .then(set("/spec/billing/plan/headroomPercent", 400))
                    .then(set("/spec/billing/plan/cascadeRequestsPerSecond", 0))
                    .apply(valid())))
        .isEmpty();
    assertThat(validator.validate(minimal("OnDemand"))).isEmpty();
  }

  @Test
  void wrongTypeIsReported() {
    ObjectNode table = set("/spec/billing/provisioned/readCapacityUnits", "ten").apply(valid());

    assertThat(validator.validate(table))
        .singleElement(STRING)
        .startsWith("spec.billing.provisioned.readCapacityUnits: ")
        .contains("string found, integer expected");
  }

  @Test
  void changingTableNameIsRejected() {
    List<String> errors = validator.validateUpdate(withTableName("x-y-z"), withTableName("a-b-c"));

    assertThat(errors).containsExactly(IMMUTABLE);
  }

  @Test
  void removingTableNameIsRejected() {
    ObjectNode unnamed = remove("/spec/tableName").apply(valid());

    assertThat(validator.validateUpdate(unnamed, withTableName("a-b-c")))
        .containsExactly(IMMUTABLE);
  }

  @Test
  void keepingTableNameIsAccepted() {
    assertThat(validator.validateUpdate(withTableName("a-b-c"), withTableName("a-b-c"))).isEmpty();
  }

  @Test
  void settingTableNameLaterIsAccepted() {
    ObjectNode unnamed = remove("/spec/tableName").apply(valid());

    assertThat(validator.validateUpdate(withTableName("a-b-c"), unnamed)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a-b-c", "x-y-z", "Team_A.limits"})
  void creatingWithAnyTableNameIsAccepted(String tableName) {
    assertThat(validator.validate(withTableName(tableName))).isEmpty();
  }

  @Test
  void provisionedWithBothProvisionedAndPlanIsRejected() {
    ObjectNode table = set("/spec/billing/plan/requestsPerSecond", 100).apply(valid());

    assertThat(validator.validate(table)).containsExactly(ONE_OF);
  }

  @Test
  void provisionedWithNeitherProvisionedNorPlanIsRejected() {
    assertThat(validator.validate(minimal("Provisioned"))).containsExactly(ONE_OF);
  }

  @Test
  void onDemandWithNeitherProvisionedNorPlanIsValid() {
    assertThat(validator.validate(minimal("OnDemand"))).isEmpty();
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        violation(
            "unknown billing mode",
            set("/spec/billing/mode", "Reserved"),
            "spec.billing.mode",
            "enumeration"),
        violation(
            "unknown deletion policy",
            set("/spec/deletionPolicy", "Archive"),
            "spec.deletionPolicy",
            "enumeration"),
        violation(
            "zero read capacity",
            set("/spec/billing/provisioned/readCapacityUnits", 0),
            "spec.billing.provisioned.readCapacityUnits",
            "minimum value"),
        violation(
            "write capacity above a million",
            set("/spec/billing/provisioned/writeCapacityUnits", 1_000_001),
            "spec.billing.provisioned.writeCapacityUnits",
            "maximum value"),
        violation(
            "zero increase step",
            set("/spec/billing/provisioned/maxIncreasePercent", 0),
            "spec.billing.provisioned.maxIncreasePercent",
            "minimum value"),
        violation(
            "increase step above 1000%",
            set("/spec/billing/provisioned/maxIncreasePercent", 1001),
            "spec.billing.provisioned.maxIncreasePercent",
            "maximum value"),
        violation(
            "zero on-demand read cap",
            set("/spec/billing/onDemand/maxReadRequestUnits", 0),
            "spec.billing.onDemand.maxReadRequestUnits",
            "minimum value"),
        violation(
            "zero on-demand write cap",
            set("/spec/billing/onDemand/maxWriteRequestUnits", 0),
            "spec.billing.onDemand.maxWriteRequestUnits",
            "minimum value"),
        violation(
            "zero planned requests",
            usePlan().then(set("/spec/billing/plan/requestsPerSecond", 0)),
            "spec.billing.plan.requestsPerSecond",
            "minimum value"),
        violation(
            "planned requests above a million",
            usePlan().then(set("/spec/billing/plan/requestsPerSecond", 1_000_001)),
            "spec.billing.plan.requestsPerSecond",
            "maximum value"),
        violation(
            "negative cascade requests",
            usePlan().then(set("/spec/billing/plan/cascadeRequestsPerSecond", -1)),
            "spec.billing.plan.cascadeRequestsPerSecond",
            "minimum value"),
        violation(
            "negative headroom",
            usePlan().then(set("/spec/billing/plan/headroomPercent", -1)),
            "spec.billing.plan.headroomPercent",
            "minimum value"),
        violation(
            "headroom above 400%",
            usePlan().then(set("/spec/billing/plan/headroomPercent", 401)),
            "spec.billing.plan.headroomPercent",
            "maximum value"),
        violation(
            "switch cooldown in days",
            set("/spec/billing/switchCooldown", "1d"),
            "spec.billing.switchCooldown",
            "regex pattern"),
        violation(
            "empty switch cooldown",
            set("/spec/billing/switchCooldown", ""),
            "spec.billing.switchCooldown",
            "at least 2 characters"),
        violation(
            "table name too short",
            set("/spec/tableName", "ab"),
            "spec.tableName",
            "at least 3 characters"),
        violation(
            "table name too long",
            set("/spec/tableName", "t".repeat(256)),
            "spec.tableName",
            "at most 255 characters"),
        violation(
            "table name with a space",
            set("/spec/tableName", "my table"),
            "spec.tableName",
            "regex pattern"),
        violation(
            "upper-case region", set("/spec/region", "EU-WEST-1"), "spec.region", "regex pattern"),
        violation(
            "region without a number",
            set("/spec/region", "eu-west"),
            "spec.region",
            "regex pattern"),
        violation(
            "51 tags",
            table -> {
              IntStream.range(0, 51)
                  .forEach(i -> table.withObject("/spec/tags").put("tag" + i, "v"));
              return table;
            },
            "spec.tags",
            "at most 50"),
        violation(
            "non-string tag",
            set("/spec/tags/team", 7),
            "spec.tags.team",
            "integer found, string expected"),
        violation(
            "string for a boolean",
            set("/spec/deletionProtection", "yes"),
            "spec.deletionProtection",
            "string found, boolean expected"),
        violation("missing billing", remove("/spec/billing"), "spec.billing", "Required value"),
        violation(
            "missing billing mode",
            remove("/spec/billing/mode"),
            "spec.billing.mode",
            "Required value"),
        violation(
            "provisioned without write capacity",
            remove("/spec/billing/provisioned/writeCapacityUnits"),
            "spec.billing.provisioned.writeCapacityUnits",
            "Required value"),
        violation(
            "plan without requests",
            usePlan().then(remove("/spec/billing/plan/requestsPerSecond")),
            "spec.billing.plan.requestsPerSecond",
            "Required value"),
        violation(
            "misspelt field", set("/spec/tabelName", "a-b-c"), "spec.tabelName", "unknown field"),
        violation(
            "autoscaling min above max",
            set("/spec/autoscaling/read/min", 1001),
            "spec.autoscaling.read",
            "min must not exceed max"),
        violation(
            "target utilization below AWS's 20%",
            set("/spec/autoscaling/write/targetUtilizationPercent", 19),
            "spec.autoscaling.write.targetUtilizationPercent",
            "minimum value"),
        violation(
            "target utilization above AWS's 90%",
            set("/spec/autoscaling/read/targetUtilizationPercent", 91),
            "spec.autoscaling.read.targetUtilizationPercent",
            "maximum value"),
        violation(
            "autoscaling without write",
            remove("/spec/autoscaling/write"),
            "spec.autoscaling.write",
            "Required value"),
        violation(
            "unknown index scaling",
            set("/spec/autoscaling/indexes", "Some"),
            "spec.autoscaling.indexes",
            "enumeration"),
        violation(
            "alarm action that is no ARN",
            set("/spec/alarms/actions", java.util.List.of("mailto:ops@example.com")),
            "spec.alarms.actions[0]",
            "regex pattern"),
        violation(
            "six alarm actions",
            set(
                "/spec/alarms/actions",
                java.util.Collections.nCopies(6, "arn:aws:sns:us-east-1:123456789012:alerts")),
            "spec.alarms.actions",
            "at most 5"),
        violation(
            "alarms without enabled",
            remove("/spec/alarms/enabled"),
            "spec.alarms.enabled",
            "Required value"),
        violation(
            "utilization above 100%",
            set("/spec/alarms/capacityUtilizationPercent", 101),
            "spec.alarms.capacityUtilizationPercent",
            "maximum value"),
        violation(
            "unknown Contributor Insights mode",
            set("/spec/contributorInsights/mode", "AllKeys"),
            "spec.contributorInsights.mode",
            "enumeration"),
        violation(
            "unknown emergency action",
            set("/spec/emergency/onThrottle", "Panic"),
            "spec.emergency.onThrottle",
            "enumeration"),
        violation(
            "zero emergency threshold",
            set("/spec/emergency/throttleEventsThreshold", 0),
            "spec.emergency.throttleEventsThreshold",
            "minimum value"),
        violation(
            "revert in days",
            set("/spec/emergency/revertAfter", "2d"),
            "spec.emergency.revertAfter",
            "regex pattern"),
        violation(
            "diagnosis interval in days",
            set("/spec/diagnosis/interval", "1d"),
            "spec.diagnosis.interval",
            "regex pattern"));
  }

  /**
   * Every resource this test expects the API server to refuse (with the field it names), for the
   * real-server tier ({@code CrdAdmissionApiServerIT}); {@code stored} is the old object of an
   * update, null for a create.
   */
  static Stream<AdmissionCase> refused() {
    Stream<AdmissionCase> violations =
        violations()
            .map(Arguments::get)
            .map(
                args ->
                    new AdmissionCase(
                        (String) args[0], ((Edit) args[1]).apply(valid()), null, (String) args[2]));
    return Stream.concat(
        violations,
        Stream.of(
            new AdmissionCase(
                "wrong type",
                set("/spec/billing/provisioned/readCapacityUnits", "ten").apply(valid()),
                null,
                "spec.billing.provisioned.readCapacityUnits"),
            new AdmissionCase(
                "provisioned with both provisioned and plan",
                set("/spec/billing/plan/requestsPerSecond", 100).apply(valid()),
                null,
                "spec.billing"),
            new AdmissionCase(
                "provisioned with neither provisioned nor plan",
                minimal("Provisioned"),
                null,
                "spec.billing"),
            new AdmissionCase(
                "changing tableName", withTableName("x-y-z"), withTableName("a-b-c"), "spec"),
            new AdmissionCase(
                "removing tableName",
                remove("/spec/tableName").apply(valid()),
                withTableName("a-b-c"),
                "spec")));
  }

  /** Every resource this test expects the API server to admit, for the real-server tier. */
  static Stream<AdmissionCase> admitted() {
    return Stream.of(
        new AdmissionCase("every field set", valid(), null, null),
        new AdmissionCase(
            "a plan with headroom and cascade",
            usePlan()
                .then(set("/spec/billing/plan/headroomPercent", 400))
                .then(set("/spec/billing/plan/cascadeRequestsPerSecond", 0))
                .apply(valid()),
            null,
            null),
        new AdmissionCase("on demand, nothing else", minimal("OnDemand"), null, null),
        new AdmissionCase(
            "keeping tableName", withTableName("a-b-c"), withTableName("a-b-c"), null),
        new AdmissionCase(
            "setting tableName later",
            withTableName("a-b-c"),
            remove("/spec/tableName").apply(valid()),
            null),
        new AdmissionCase("an upper-case tableName", withTableName("Team_A.limits"), null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void violationIsRejected(String name, Edit edit, String field, String complaint) {
    List<String> errors = validator.validate(edit.apply(valid()));

    assertThat(errors).as(name).singleElement(STRING).startsWith(field + ": ").contains(complaint);
  }

  private static Arguments violation(String name, Edit edit, String field, String complaint) {
    return Arguments.of(name, edit, field, complaint);
  }

  private static ObjectNode valid() {
    try {
      return (ObjectNode) YAML.readTree(VALID);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode withTableName(String tableName) {
    return set("/spec/tableName", tableName).apply(valid());
  }

  /** Only the required fields, with the given billing mode and no capacity settings. */
  private static ObjectNode minimal(String mode) {
    ObjectNode table = valid();
    table.set(
        "spec", YAML.createObjectNode().set("billing", YAML.createObjectNode().put("mode", mode)));
    return table;
  }

  /** Swaps the explicit capacity for a traffic plan, keeping mode Provisioned valid. */
  private static Edit usePlan() {
    return remove("/spec/billing/provisioned")
        .then(set("/spec/billing/plan/requestsPerSecond", 100));
  }

  private static Edit set(String pointer, Object value) {
    JsonPointer path = JsonPointer.compile(pointer);
    JsonNode node = YAML.valueToTree(value);
    return table -> {
      table.withObject(path.head()).set(path.last().getMatchingProperty(), node);
      return table;
    };
  }

  private static Edit remove(String pointer) {
    JsonPointer path = JsonPointer.compile(pointer);
    return table -> {
      table.withObject(path.head()).remove(path.last().getMatchingProperty());
      return table;
    };
  }

  /** An in-place change of a resource tree that hands the tree on, so that changes chain. */
  @FunctionalInterface
  interface Edit extends UnaryOperator<ObjectNode> {
    default Edit then(Edit next) {
      return table -> next.apply(apply(table));
    }
  }
}
