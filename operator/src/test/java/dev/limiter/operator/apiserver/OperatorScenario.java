package dev.limiter.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.EntityHierarchy;
import dev.limiter.operator.api.RateLimiterTable;
import dev.limiter.testkit.DynamoDbLocal;
import dev.limiter.testkit.kube.Kubectl;
import dev.limiter.testkit.kube.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * What a user does with the operator on a cluster, step by named step, against a real API server:
 * the samples applied server-side reach Ready, kubectl shows columns, conditions and events, spec
 * changes and the operator's status writes (concurrent ones included) do not clobber each other,
 * bad objects do not stop it, and deletion follows each deletion policy. The user is the cluster
 * admin (kubectl and an admin client); the operator runs with whatever identity its {@link
 * RealServerOperator} was given.
 *
 * <p>A step that cannot finish fails as {@link StepFailed}, naming itself; every wait of a step
 * gives up early once the API server has refused the operator a request (403), naming that request.
 */
final class OperatorScenario {

  static final String OPERATOR_STARTS = "operator starts";
  static final String SAMPLES_APPLY = "samples apply server-side";
  static final String TABLES_READY = "tables reach Ready";
  static final String CONFIG_MAP_PUBLISHED = "workload ConfigMap published";
  static final String HIERARCHY_READY = "hierarchy reaches Ready";
  static final String PRINTER_COLUMNS = "kubectl get shows the printer columns";
  static final String DESCRIBE = "kubectl describe shows conditions and events";
  static final String SERVER_SIDE_REAPPLY = "server-side re-apply of a changed spec keeps status";
  static final String CONCURRENT_EDITS = "concurrent spec edits converge";
  static final String BILLING_SWITCH = "a billing-mode switch is recorded before it is made";
  static final String CONFIG_MAP_REPAIRED = "a hand-edited workload ConfigMap is repaired";
  static final String BAD_OBJECTS = "bad objects do not stop the operator";
  static final String REPEATED_EVENT = "a repeated event is counted, not duplicated";
  static final String DELETION = "deletion follows the deletion policy";

  /** Every step, in the order they run. */
  static final List<String> STEPS =
      List.of(
          OPERATOR_STARTS,
          SAMPLES_APPLY,
          TABLES_READY,
          CONFIG_MAP_PUBLISHED,
          HIERARCHY_READY,
          PRINTER_COLUMNS,
          DESCRIBE,
          SERVER_SIDE_REAPPLY,
          CONCURRENT_EDITS,
          BILLING_SWITCH,
          CONFIG_MAP_REPAIRED,
          BAD_OBJECTS,
          REPEATED_EVENT,
          DELETION);

  /**
   * Generous: a table takes a few of the operator's 10-second polls to be Ready, and runs share two
   * cores.
   */
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final String FINALIZER_PREFIX = "ratelimitertables.limiter.dev";

  /**
   * A name the operator refuses (its ownership tag and default table name would exceed DynamoDB's
   * limits) but the schema accepts.
   */
  private static final String TOO_LONG_NAME = "x".repeat(250);

  /** A step that did not finish. */
  static final class StepFailed extends AssertionError {
    private final String step;
    private final transient Optional<ApiCalls.Call> refused;

    StepFailed(String step, Optional<ApiCalls.Call> refused, Throwable cause) {
      super(
          "step '"
              + step
              + "' failed"
              + refused
                  .map(
                      r ->
                          " (the API server refused the operator "
                              + r.access().map(Object::toString).orElse("a request")
                              + ": "
                              + r
                              + ")")
                  .orElse("")
              + ": "
              + cause.getMessage(),
          cause);
      this.step = step;
      this.refused = refused;
    }

    /** The first request of the operator the API server refused (403), if one was. */
    Optional<ApiCalls.Call> refused() {
      return refused;
    }

    /** The name of the step that failed, one of {@link #STEPS}. */
    String step() {
      return step;
    }
  }

  /** What a run measured, for the report. */
  record Outcome(long conflictsSeen, List<ApiCalls.Call> calls) {}

  private final KubernetesClient admin;
  private final Kubectl kubectl;
  private final RunSamples samples;
  private final Supplier<RealServerOperator> operators;
  private final DynamoDbClient dynamo = DynamoDbLocal.shared().inspectionClient();
  private RealServerOperator operator;

  /**
   * A run in namespaces {@code namespaceA} and {@code namespaceB} (created when missing) of {@code
   * server}, with the operator {@code operators} creates.
   */
  OperatorScenario(
      RealApiServer server,
      String namespaceA,
      String namespaceB,
      Supplier<RealServerOperator> operators) {
    this.admin = server.adminClient();
    this.kubectl = Kubectl.against(server);
    this.samples = new RunSamples(namespaceA, namespaceB);
    this.operators = operators;
    for (String namespace : List.of(namespaceA, namespaceB)) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
    }
  }

  /**
   * Runs every step in order; throws {@link StepFailed} at the first that does not finish. Stops
   * the operator in any case.
   */
  Outcome run() {
    try {
      step(
          OPERATOR_STARTS,
          () -> {
            operator = operators.get();
            operator.start();
          });
      step(SAMPLES_APPLY, this::applySamples);
      step(TABLES_READY, this::tablesReady);
      step(CONFIG_MAP_PUBLISHED, this::configMapPublished);
      step(HIERARCHY_READY, this::hierarchyReady);
      step(PRINTER_COLUMNS, this::printerColumns);
      step(DESCRIBE, this::describe);
      step(SERVER_SIDE_REAPPLY, this::serverSideReapply);
      step(CONCURRENT_EDITS, this::concurrentEdits);
      step(BILLING_SWITCH, this::billingSwitch);
      step(CONFIG_MAP_REPAIRED, this::configMapRepaired);
      step(BAD_OBJECTS, this::badObjects);
      step(REPEATED_EVENT, this::repeatedEvent);
      step(DELETION, this::deletion);
      return new Outcome(operator.calls().conflicts(), operator.calls().all());
    } finally {
      if (operator != null) {
        operator.close();
      }
      dynamo.close();
    }
  }

  /** The requests the operator made in this run (empty before it was created). */
  List<ApiCalls.Call> calls() {
    return operator == null ? List.of() : operator.calls().all();
  }

  /**
   * Removes what the run left (objects whose finalizer a failed run could not remove are released
   * by the admin), so that a later run's operator does not meet them.
   */
  void clear() {
    for (String namespace : List.of(samples.namespaceA(), samples.namespaceB())) {
      for (Class<? extends HasMetadata> kind :
          List.of(EntityHierarchy.class, RateLimiterTable.class)) {
        for (HasMetadata object : admin.resources(kind).inNamespace(namespace).list().getItems()) {
          admin
              .resources(kind)
              .inNamespace(namespace)
              .withName(object.getMetadata().getName())
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
          admin
              .resources(kind)
              .inNamespace(namespace)
              .withName(object.getMetadata().getName())
              .delete();
        }
      }
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  private void step(String name, Action action) {
    long started = System.nanoTime();
    try {
      action.run();
    } catch (Throwable e) {
      throw new StepFailed(
          name, operator == null ? Optional.empty() : operator.calls().firstRefused(), e);
    }
    System.out.printf(
        "step '%s': %d ms%n", name, Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  // --- the steps ---

  private void applySamples() {
    String out = kubectl.succeed("apply", "--server-side", "-f", samples.directory().toString());
    assertThat(out)
        .contains(
            "ratelimitertable.limiter.dev/" + RunSamples.PROVISIONED_NAME + " serverside-applied",
            "ratelimitertable.limiter.dev/" + RunSamples.ON_DEMAND_NAME + " serverside-applied",
            "entityhierarchy.limiter.dev/" + RunSamples.HIERARCHY_NAME + " serverside-applied");
  }

  private void tablesReady() {
    for (RateLimiterTable table :
        List.of(
            awaitReady(samples.namespaceA(), RunSamples.PROVISIONED_NAME),
            awaitReady(samples.namespaceB(), RunSamples.ON_DEMAND_NAME))) {
      assertThat(table.getMetadata().getFinalizers()).anyMatch(f -> f.startsWith(FINALIZER_PREFIX));
    }
    assertThat(table(samples.namespaceB(), RunSamples.ON_DEMAND_NAME).getMetadata().getGeneration())
        .as("generation after the operator's finalizer and status writes")
        .isEqualTo(1L);
    assertThat(
            dynamo.describeTable(b -> b.tableName(samples.provisionedTable())).table().tableName())
        .isEqualTo(samples.provisionedTable());
    assertThat(dynamo.describeTable(b -> b.tableName(samples.onDemandTable())).table().tableName())
        .isEqualTo(samples.onDemandTable());
  }

  private void configMapPublished() {
    ConfigMap configMap =
        awaitValue(
            "the workload ConfigMap",
            () ->
                admin
                    .configMaps()
                    .inNamespace(samples.namespaceA())
                    .withName(RunSamples.PROVISIONED_NAME + "-limiter")
                    .get(),
            c -> c != null);
    assertThat(configMap.getData())
        .containsEntry("LIMITER_TABLE_NAME", samples.provisionedTable())
        .containsEntry("AWS_REGION", "us-east-1");
    assertThat(configMap.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(owner -> assertThat(owner.getName()).isEqualTo(RunSamples.PROVISIONED_NAME));
  }

  private void hierarchyReady() {
    EntityHierarchy hierarchy =
        awaitValue(
            "EntityHierarchy " + RunSamples.HIERARCHY_NAME + " Ready",
            () ->
                admin
                    .resources(EntityHierarchy.class)
                    .inNamespace(samples.namespaceA())
                    .withName(RunSamples.HIERARCHY_NAME)
                    .get(),
            h ->
                h.getStatus() != null
                    && isTrue(h.getStatus().conditions(), "Ready")
                    && h.getMetadata().getGeneration().equals(h.getStatus().observedGeneration()));
    assertThat(hierarchy.getStatus().entities()).isEqualTo(3);
  }

  private void printerColumns() {
    String tables = kubectl.succeed("get", "rlt", "-n", samples.namespaceA());
    assertThat(tables.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "READY", "TABLE", "BILLING", "READ", "WRITE", "AGE");
    assertThat(tables)
        .containsPattern(
            RunSamples.PROVISIONED_NAME
                + "\\s+True\\s+"
                + samples.provisionedTable()
                + "\\s+Provisioned\\s+\\d+\\s+\\d+");
    String hierarchies = kubectl.succeed("get", "eh", "-n", samples.namespaceA());
    assertThat(hierarchies.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "READY", "TABLE", "ENTITIES", "LIMITS", "AGE");
    assertThat(hierarchies)
        .containsPattern(
            RunSamples.HIERARCHY_NAME
                + "\\s+True\\s+"
                + RunSamples.PROVISIONED_NAME
                + "\\s+3\\s+\\d+");
  }

  private void describe() {
    String table =
        kubectl.succeed("describe", "rlt", RunSamples.PROVISIONED_NAME, "-n", samples.namespaceA());
    assertThat(table)
        .contains("Conditions:")
        .containsPattern("Type:\\s+Ready")
        .containsPattern("Type:\\s+TableReady");
    assertThat(eventsSection(table))
        .as("the Events of kubectl describe rlt:\n%s", table)
        .containsPattern("Normal\\s+Reconcile\\s+.*limiter-operator");
    String hierarchy =
        kubectl.succeed("describe", "eh", RunSamples.HIERARCHY_NAME, "-n", samples.namespaceA());
    assertThat(hierarchy).contains("Conditions:").containsPattern("Type:\\s+Ready");
    assertThat(eventsSection(hierarchy))
        .as("the Events of kubectl describe eh:\n%s", hierarchy)
        .containsPattern("Normal\\s+Applied\\s+.*limiter-operator");
  }

  private void serverSideReapply() {
    RateLimiterTable before = table(samples.namespaceA(), RunSamples.PROVISIONED_NAME);
    Path changed =
        samples.edited(
            RunSamples.PROVISIONED,
            "threshold-2",
            yaml -> yaml.replace("throttleEventsThreshold: 1 ", "throttleEventsThreshold: 2 "));
    Kubectl.Result apply = kubectl.run("apply", "--server-side", "-f", changed.toString());
    assertThat(apply.succeeded()).as("kubectl apply --server-side: %s", apply).isTrue();
    assertThat(apply.stderr()).doesNotContainIgnoringCase("conflict");
    RateLimiterTable after = table(samples.namespaceA(), RunSamples.PROVISIONED_NAME);
    assertThat(after.getMetadata().getGeneration())
        .isGreaterThan(before.getMetadata().getGeneration());
    assertThat(after.getStatus()).as("status right after the apply").isNotNull();
    assertThat(after.getStatus().tableName()).isEqualTo(samples.provisionedTable());
    assertThat(after.getStatus().conditions()).isNotEmpty();
    RateLimiterTable converged = awaitReady(samples.namespaceA(), RunSamples.PROVISIONED_NAME);
    assertThat(converged.getSpec().alarms().throttleEventsThreshold()).isEqualTo(2);
    // applying the same manifest again is no change and no conflict, whatever the operator wrote
    // since
    Kubectl.Result again = kubectl.run("apply", "--server-side", "-f", changed.toString());
    assertThat(again.succeeded()).as("second kubectl apply --server-side: %s", again).isTrue();
    assertThat(
            table(samples.namespaceA(), RunSamples.PROVISIONED_NAME).getMetadata().getGeneration())
        .isEqualTo(converged.getMetadata().getGeneration());
  }

  private void concurrentEdits() throws InterruptedException {
    String namespace = samples.namespaceB();
    int last = 0;
    for (int i = 1; i <= 12; i++) {
      last = 1000 + i * 10;
      admin
          .resources(RateLimiterTable.class)
          .inNamespace(namespace)
          .withName(RunSamples.ON_DEMAND_NAME)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"billing\":{\"onDemand\":{\"maxReadRequestUnits\":" + last + "}}}}");
      Thread.sleep(150);
    }
    RateLimiterTable converged = awaitReady(namespace, RunSamples.ON_DEMAND_NAME);
    assertThat(converged.getSpec().billing().onDemand().maxReadRequestUnits())
        .isEqualTo((long) last);
    assertThat(condition(converged.getStatus().conditions(), "Synced"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    int expected = last;
    awaitValue(
        "table " + samples.onDemandTable() + " capped at " + expected + " read units",
        () ->
            dynamo
                .describeTable(b -> b.tableName(samples.onDemandTable()))
                .table()
                .onDemandThroughput()
                .maxReadRequestUnits(),
        units -> units == expected);
  }

  private void billingSwitch() {
    String namespace = samples.namespaceB();
    admin
        .resources(RateLimiterTable.class)
        .inNamespace(namespace)
        .withName(RunSamples.ON_DEMAND_NAME)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"billing\":{\"mode\":\"Provisioned\",\"onDemand\":null,"
                + "\"provisioned\":{\"readCapacityUnits\":5,\"writeCapacityUnits\":5}}}}");
    RateLimiterTable switched = awaitReady(namespace, RunSamples.ON_DEMAND_NAME);
    assertThat(switched.getStatus().billingModeSwitches())
        .singleElement()
        .satisfies(s -> assertThat(s.to().name()).isEqualTo("Provisioned"));
    assertThat(
            dynamo
                .describeTable(b -> b.tableName(samples.onDemandTable()))
                .table()
                .billingModeSummary()
                .billingModeAsString())
        .isEqualTo("PROVISIONED");
  }

  private void configMapRepaired() {
    String namespace = samples.namespaceA();
    String name = RunSamples.PROVISIONED_NAME + "-limiter";
    admin
        .configMaps()
        .inNamespace(namespace)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"data\":{\"LIMITER_TABLE_NAME\":\"somebody-elses-table\"}}");
    // the operator watches no ConfigMaps: the next pass of the table (here after a spec change)
    // repairs it
    admin
        .resources(RateLimiterTable.class)
        .inNamespace(namespace)
        .withName(RunSamples.PROVISIONED_NAME)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"alarms\":{\"throttleEventsThreshold\":3}}}");
    awaitValue(
        "ConfigMap " + name + " repaired",
        () -> admin.configMaps().inNamespace(namespace).withName(name).get().getData(),
        data -> samples.provisionedTable().equals(data.get("LIMITER_TABLE_NAME")));
  }

  private void badObjects() {
    String namespace = samples.namespaceB();
    Path tooLong =
        samples.edited(
            RunSamples.ON_DEMAND,
            "too-long",
            yaml ->
                yaml.replace("name: " + RunSamples.ON_DEMAND_NAME, "name: " + TOO_LONG_NAME)
                    .replace("  tableName: " + samples.onDemandTable() + "\n", ""));
    Path pruned =
        samples.edited(
            RunSamples.ON_DEMAND,
            "pruned",
            yaml ->
                yaml.replace("name: " + RunSamples.ON_DEMAND_NAME, "name: pruned-field")
                    .replace(
                        "tableName: " + samples.onDemandTable(),
                        "tableName: " + namespace + "-pruned-field")
                    .replace(
                        "  stream: false",
                        "  stream: false\n  streams: true\n  billingg: {mode: Provisioned}"));
    kubectl.succeed("apply", "-f", tooLong.toString());
    // the schema prunes unknown fields: kubectl's strict field validation is what refuses them, so
    // skip it
    kubectl.succeed("apply", "--validate=false", "-f", pruned.toString());
    Path after =
        samples.edited(
            RunSamples.ON_DEMAND,
            "after-bad",
            yaml ->
                yaml.replace("name: " + RunSamples.ON_DEMAND_NAME, "name: after-bad")
                    .replace(
                        "tableName: " + samples.onDemandTable(),
                        "tableName: " + namespace + "-after-bad"));
    kubectl.succeed("apply", "-f", after.toString());

    RateLimiterTable invalid =
        awaitValue(
            "RateLimiterTable " + TOO_LONG_NAME.substring(0, 8) + "… InvalidSpec",
            () -> table(namespace, TOO_LONG_NAME),
            t ->
                t.getStatus() != null
                    && condition(t.getStatus().conditions(), "Ready")
                        .map(Condition::getReason)
                        .orElse("")
                        .equals("InvalidSpec"));
    assertThat(condition(invalid.getStatus().conditions(), "Ready").orElseThrow().getStatus())
        .isEqualTo("False");
    RateLimiterTable stored = awaitReady(namespace, "pruned-field");
    assertThat(
            admin
                .genericKubernetesResources(
                    RateLimiterTable.GROUP + "/" + RateLimiterTable.VERSION, "RateLimiterTable")
                .inNamespace(namespace)
                .withName("pruned-field")
                .get()
                .getAdditionalProperties()
                .get("spec"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .doesNotContainKeys("streams", "billingg");
    assertThat(stored.getSpec().billing().mode().name()).isEqualTo("OnDemand");
    awaitReady(namespace, "after-bad");
  }

  private void repeatedEvent() {
    String namespace = samples.namespaceB();
    Event first =
        awaitValue(
                "the InvalidSpec event",
                () -> invalidSpecEvents(namespace),
                events -> events.size() == 1)
            .get(0);
    // a second pass on the same bad spec (a spec change the operator still refuses) reports the
    // same event again
    admin
        .resources(RateLimiterTable.class)
        .inNamespace(namespace)
        .withName(TOO_LONG_NAME)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"tags\":{\"team\":\"b2\"}}}");
    List<Event> events =
        awaitValue(
            "the InvalidSpec event counted twice",
            () -> invalidSpecEvents(namespace),
            found -> found.size() == 1 && found.get(0).getCount() == 2);
    assertThat(events.get(0).getMetadata().getName()).isEqualTo(first.getMetadata().getName());
    String described = kubectl.succeed("describe", "rlt", TOO_LONG_NAME, "-n", namespace);
    assertThat(eventsSection(described)).containsPattern("Warning\\s+InvalidSpec\\s+.*\\(x2 over");
  }

  private void deletion() {
    String a = samples.namespaceA();
    String b = samples.namespaceB();
    kubectl.succeed("delete", "eh", RunSamples.HIERARCHY_NAME, "-n", a, "--wait=false");
    awaitGone(EntityHierarchy.class, a, RunSamples.HIERARCHY_NAME);
    assertThat(eventReasons(a, "EntityHierarchy", RunSamples.HIERARCHY_NAME)).contains("Retained");

    kubectl.succeed("delete", "rlt", RunSamples.ON_DEMAND_NAME, "-n", b, "--wait=false");
    awaitGone(RateLimiterTable.class, b, RunSamples.ON_DEMAND_NAME);
    awaitValue(
        "table " + samples.onDemandTable() + " deleted (deletionPolicy Delete)",
        () -> tableExists(samples.onDemandTable()),
        exists -> !exists);

    kubectl.succeed("delete", "rlt", RunSamples.PROVISIONED_NAME, "-n", a, "--wait=false");
    awaitGone(RateLimiterTable.class, a, RunSamples.PROVISIONED_NAME);
    assertThat(tableExists(samples.provisionedTable()))
        .as("table kept (deletionPolicy Retain)")
        .isTrue();
    assertThat(eventReasons(a, "RateLimiterTable", RunSamples.PROVISIONED_NAME))
        .contains("Retained");

    kubectl.succeed(
        "delete", "rlt", TOO_LONG_NAME, "pruned-field", "after-bad", "-n", b, "--wait=false");
    for (String name : List.of(TOO_LONG_NAME, "pruned-field", "after-bad")) {
      awaitGone(RateLimiterTable.class, b, name);
    }
  }

  // --- helpers ---

  private ConditionFactory await(String what) {
    return Awaitility.await(what)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .failFast("the API server refused the operator a request", this::refused);
  }

  /**
   * Reads with {@code read} until {@code done} holds and returns what was read; on timeout says
   * what was read last.
   */
  private <T> T awaitValue(String what, Supplier<T> read, Predicate<T> done) {
    AtomicReference<T> last = new AtomicReference<>();
    try {
      await(what)
          .until(
              () -> {
                T value = read.get();
                last.set(value);
                return value != null && done.test(value);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          what + ": not within " + WAIT.toSeconds() + " s; last read: " + describe(last.get()), e);
    }
    return last.get();
  }

  private static String describe(Object value) {
    if (value instanceof HasMetadata object) {
      Object status =
          object instanceof RateLimiterTable t
              ? t.getStatus()
              : object instanceof EntityHierarchy h ? h.getStatus() : null;
      return object.getMetadata().getName()
          + " generation "
          + object.getMetadata().getGeneration()
          + ", status "
          + status;
    }
    return String.valueOf(value);
  }

  private boolean refused() {
    return operator != null && operator.calls().firstRefused().isPresent();
  }

  private RateLimiterTable awaitReady(String namespace, String name) {
    return awaitValue(
        "RateLimiterTable " + namespace + "/" + name + " Ready at its generation",
        () -> table(namespace, name),
        t ->
            t.getStatus() != null
                && isTrue(t.getStatus().conditions(), "Ready")
                && t.getMetadata().getGeneration().equals(t.getStatus().observedGeneration()));
  }

  private <T extends HasMetadata> void awaitGone(Class<T> kind, String namespace, String name) {
    await(kind.getSimpleName() + " " + namespace + "/" + name + " gone")
        .until(() -> admin.resources(kind).inNamespace(namespace).withName(name).get() == null);
  }

  private RateLimiterTable table(String namespace, String name) {
    return admin.resources(RateLimiterTable.class).inNamespace(namespace).withName(name).get();
  }

  private boolean tableExists(String name) {
    try {
      dynamo.describeTable(b -> b.tableName(name));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  private List<Event> invalidSpecEvents(String namespace) {
    return admin
        .v1()
        .events()
        .inNamespace(namespace)
        .withField("involvedObject.name", TOO_LONG_NAME)
        .list()
        .getItems()
        .stream()
        .filter(e -> "InvalidSpec".equals(e.getReason()))
        .toList();
  }

  private List<String> eventReasons(String namespace, String kind, String name) {
    return admin
        .v1()
        .events()
        .inNamespace(namespace)
        .withField("involvedObject.kind", kind)
        .withField("involvedObject.name", name)
        .list()
        .getItems()
        .stream()
        .map(Event::getReason)
        .toList();
  }

  private static String eventsSection(String described) {
    int at = described.lastIndexOf("\nEvents:");
    return at < 0 ? "" : described.substring(at);
  }

  private static boolean isTrue(List<Condition> conditions, String type) {
    return condition(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static Optional<Condition> condition(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
