package dev.limiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The README's main command: the demo on embedded defaults, from applying the samples to acquires.
 */
class SandboxDemoTest {

  @Test
  void samplesBecomeReadyTablesThatWorkloadsUseThroughThePublishedConfigMap() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (Sandbox sandbox = Sandbox.start(0);
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      new SandboxDemo(sandbox, out, Duration.ofSeconds(120)).run(Path.of("../config/samples"));
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .contains("applied RateLimiterTable team-a/llm-limits")
        .contains("applied RateLimiterTable team-b/api-limits")
        .containsPattern("team-a +llm-limits +True +team-a-llm-limits +Provisioned +30 +300")
        .containsPattern("team-b +api-limits +True +team-b-api-limits +OnDemand")
        .contains(
            "LIMITER_TABLE_NAME=team-b-api-limits",
            "AWS_REGION=eu-west-1",
            "LIMITER_ENDPOINT_URL=http://127.0.0.1:")
        .contains(
            "EntityHierarchy team-a/llm-tenants Ready in table team-a-llm-limits: 3 entities, 4"
                + " limit sets, 10 shards")
        // the resource default (burst 900) applies to the key; refill adds a little while the loop
        // runs
        .containsPattern(
            "api-key-1: (9[0-9][0-9]|1[0-9]{3}) acquires admitted, then refused by \\[rpm of"
                + " api-key-1/llm-api")
        // one instance: a shard or two (the reservation keeps to the shard it holds)
        .containsPattern(
            "project-123: its share of those acquires went to [1-8] shard bucket items")
        .containsPattern(
            "local reservation \\(the sample's 1s on project-123\\): [1-9][0-9]* acquires")
        .contains("request 5: admitted", "request 6: rejected")
        .contains("DynamoDB calls: 100, write units: 100, read units: 0")
        // the first acquire writes alone, the second reserves; at most one write in ten after that
        .containsPattern("admitted 1000: (9[0-9][0-9]) locally")
        .contains("BLOCK: RateLimiterUnavailableException", "ALLOW: admitted, lease enforced=false")
        .endsWith("Demo finished." + System.lineSeparator());
  }
}
