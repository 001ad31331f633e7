package dev.limiter.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.operator.aws.AwsAccess;
import dev.limiter.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the controllers retry a failing pass: never hours apart, never given up. */
@EnableKubernetesMockClient(crud = true)
class LimiterOperatorRetryTest {

  static KubernetesClient client;

  @Test
  void aFailingResourceIsRetriedForeverAtMostMinutesApartAndResyncedWithinTheResyncPeriod() {
    Duration resync = Duration.ofMinutes(5);
    OperatorSettings settings = new OperatorSettings("us-east-1", null, resync, Set.of());
    AwsAccess aws =
        new AwsAccess(
            region -> null, region -> null, region -> null, region -> null, region -> null);
    Operator operator =
        LimiterOperator.create(
            client, settings, aws, Clock.systemUTC(), null, new SimpleMeterRegistry());

    assertThat(operator.getRegisteredControllers()).hasSize(2);
    for (RegisteredController<?> controller : operator.getRegisteredControllers()) {
      String name = controller.getConfiguration().getName();
      RetryExecution retry = controller.getConfiguration().getRetry().initExecution();
      Duration total = Duration.ZERO;
      for (int attempt = 1; attempt <= 1_000; attempt++) {
        Optional<Long> delay = retry.nextDelay();
        assertThat(delay).as("%s: retry %d is scheduled", name, attempt).isPresent();
        assertThat(Duration.ofMillis(delay.get()))
            .as("%s: delay before retry %d", name, attempt)
            .isLessThanOrEqualTo(LimiterOperator.MAX_RETRY_INTERVAL);
        total = total.plusMillis(delay.get());
      }
      assertThat(total)
          .as("%s: 1,000 retries are still being made", name)
          .isGreaterThan(Duration.ofHours(24));
      assertThat(controller.getConfiguration().maxReconciliationInterval())
          .as(name)
          .contains(resync);
    }
  }
}
