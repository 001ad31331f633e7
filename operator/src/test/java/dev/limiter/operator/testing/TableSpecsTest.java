package dev.limiter.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.api.Alarms;
import dev.limiter.operator.api.Autoscaling;
import dev.limiter.operator.api.Billing;
import dev.limiter.operator.api.BillingMode;
import dev.limiter.operator.api.ContributorInsights;
import dev.limiter.operator.api.DeletionPolicy;
import dev.limiter.operator.api.Diagnosis;
import dev.limiter.operator.api.Emergency;
import dev.limiter.operator.api.InsightsMode;
import dev.limiter.operator.api.OnThrottle;
import dev.limiter.operator.api.ProvisionedCapacity;
import dev.limiter.operator.api.RateLimiterTableSpec;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each {@code with…} of {@link TableSpecs} sets its own component of the spec and no other. */
class TableSpecsTest {

  /** A value per component type, none equal to what {@link TableSpecs#onlyBilling} leaves. */
  private static final Map<Class<?>, Object> SAMPLES =
      Map.of(
          String.class,
          "sample-1",
          Billing.class,
          TableSpecs.provisionedBilling(7, 3),
          Boolean.class,
          Boolean.TRUE,
          DeletionPolicy.class,
          DeletionPolicy.Delete,
          Map.class,
          Map.of("team", "a"),
          Autoscaling.class,
          new Autoscaling(null, null, null),
          Alarms.class,
          new Alarms(true, null, null, null),
          ContributorInsights.class,
          new ContributorInsights(InsightsMode.ThrottledKeys),
          Emergency.class,
          new Emergency(OnThrottle.SwitchToOnDemand, null, null, null, null, null, null),
          Diagnosis.class,
          new Diagnosis("5m"));

  @Test
  void everyWithMethodSetsItsComponentAndLeavesTheOthers() throws ReflectiveOperationException {
    TableSpecs base = TableSpecs.onlyBilling(TableSpecs.onDemandBilling());
    RecordComponent[] components = RateLimiterTableSpec.class.getRecordComponents();
    assertThat(components).hasSize(14);
    for (RecordComponent changed : components) {
      String with =
          "with"
              + Character.toUpperCase(changed.getName().charAt(0))
              + changed.getName().substring(1);
      Object value = SAMPLES.get(changed.getType());
      TableSpecs result =
          (TableSpecs) TableSpecs.class.getMethod(with, changed.getType()).invoke(base, value);
      for (RecordComponent component : components) {
        Object expected =
            component.equals(changed) ? value : component.getAccessor().invoke(base.build());
        assertThat(component.getAccessor().invoke(result.build()))
            .as("%s after %s", component.getName(), with)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aPlainSpecTurnsTheTableFeaturesOffAndTheCooldownGoesIntoTheBilling() {
    RateLimiterTableSpec spec = TableSpecs.provisioned(10, 5).withSwitchCooldown("1s").build();

    assertThat(spec)
        .isEqualTo(
            new RateLimiterTableSpec(
                null,
                null,
                new Billing(
                    BillingMode.Provisioned,
                    new ProvisionedCapacity(10L, 5L, null),
                    null,
                    null,
                    "1s"),
                false,
                false,
                false,
                false,
                null,
                Map.of(),
                null,
                null,
                null,
                null,
                null));
  }
}
