package dev.limiter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Refusals are logged by callers: their messages name an entity by fingerprint, never by id. */
class RefusalMessageTest {

  @Test
  void theMessageCarriesAFingerprintAndTheViolationTheId() {
    RateLimitExceededException refusal =
        new RateLimitExceededException(
            List.of(
                new Violation(
                    "sk-live-4f9a2c", "llm-api", "rpm", 10, 0, 1, Duration.ofSeconds(6))));

    assertThat(refusal.getMessage())
        .doesNotContain("sk-live-4f9a2c")
        .contains(
            "rpm of entity " + Names.fingerprint("sk-live-4f9a2c") + "/llm-api",
            "retry after PT6S");
    assertThat(refusal.violations().get(0).entityId()).isEqualTo("sk-live-4f9a2c");
    assertThat(Names.fingerprint("sk-live-4f9a2c")).matches("h:[0-9a-f]{16}");
  }
}
