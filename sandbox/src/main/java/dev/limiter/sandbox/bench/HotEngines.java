package dev.limiter.sandbox.bench;

import dev.limiter.runtime.LocalReservation;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The engines the hot-key benchmark compares, Bucket4j's optimizations tuned to our reservation's
 * error bound: {@code maxUnsynchronizedTokens} = share × capacity (our error size) and 1 (the
 * closest to our over-admission bound that Bucket4j allows), timeout = window.
 */
final class HotEngines {

  static final String OURS = "ours";
  static final String RESERVING = "ours+res";
  static final String BATCHING = "b4j-batch";
  static final String DELAYING = "b4j-delay";
  static final String PREDICTING = "b4j-predict";
  static final String DELAYING_1 = "b4j-delay-1";
  static final String PREDICTING_1 = "b4j-predict-1";

  private final Duration window;
  private final double share;
  private final int instances;
  private final DelayParameters delay;
  private final DelayParameters closest;
  private final Optional<List<String>> selected;

  /**
   * The engines for a reservation of {@code window} and {@code share} on buckets of {@code spec},
   * run as {@code instances} instances; only those named in {@code selected}, when given.
   */
  HotEngines(
      Duration window,
      double share,
      BucketSpec spec,
      int instances,
      Optional<List<String>> selected) {
    this.window = window;
    this.share = share;
    this.instances = instances;
    this.selected = selected;
    delay = new DelayParameters((long) Math.floor(share * spec.capacity()), window);
    closest = new DelayParameters(1, window);
  }

  /** The selected engines, ours first. */
  List<HotEngine.Kind> all() {
    return every().stream()
        .filter(kind -> selected.map(names -> names.contains(kind.name())).orElse(true))
        .toList();
  }

  /**
   * The selected engines that run in {@code scenario}: the 1-token settings on one hot key only. On
   * 10,000 keys no key is hot on an instance, so every call of each setting syncs and they would
   * repeat delaying's and predicting's figures.
   */
  List<HotEngine.Kind> on(HotScenario scenario) {
    return all().stream()
        .filter(kind -> scenario.hotKey() || !bucket4jClosest().contains(kind.name()))
        .toList();
  }

  private List<HotEngine.Kind> every() {
    return List.of(
        OursHotEngine.kind(OURS, builder -> builder),
        OursHotEngine.kind(
            RESERVING, builder -> builder.localReservation(new LocalReservation(window, share))),
        Bucket4jHotEngine.kind(BATCHING, Optimizations.batching()),
        Bucket4jHotEngine.kind(DELAYING, Optimizations.delaying(delay)),
        Bucket4jHotEngine.kind(PREDICTING, Optimizations.predicting(delay)),
        Bucket4jHotEngine.kind(DELAYING_1, Optimizations.delaying(closest)),
        Bucket4jHotEngine.kind(PREDICTING_1, Optimizations.predicting(closest)));
  }

  /** Our engines' names. */
  List<String> ours() {
    return List.of(OURS, RESERVING);
  }

  /** Our reservation's window. */
  Duration window() {
    return window;
  }

  /** Our engine with reservation. */
  String reservingName() {
    return RESERVING;
  }

  /**
   * The three readings of "Bucket4j tuned to the same error bound", each a peer of the 10× target.
   * Equal over-admission bound (ours admits nothing beyond {@code C + R·t/P}): {@code
   * DelayParameters} refuses fewer than one unsynchronized token and each instance may over-admit
   * as many as it allows, so the largest setting that never over-admits is {@code batching()}
   * alone, which only merges one proxy's concurrent requests into one exact remote command. Equal
   * error size: {@code tuned}, the better of delaying and predicting with share × capacity
   * unsynchronized tokens, which it spends on over-admission where ours under-admits. Closest
   * over-admission bound Bucket4j allows: {@code closest}, the better of delaying and predicting
   * with 1 unsynchronized token, at most one token over per instance.
   */
  List<HotReport.Peer> peers(String tuned, String closest) {
    return List.of(
        new HotReport.Peer(BATCHING, "equal over-admission bound, 0 tokens"),
        new HotReport.Peer(
            tuned, "equal error size, " + delay.maxUnsynchronizedTokens + " unsynchronized tokens"),
        new HotReport.Peer(
            closest,
            "closest over-admission bound allowed, 1 token per instance, <= "
                + instances
                + " over"));
  }

  /** The Bucket4j optimizations tuned to our error size, the best of which is compared. */
  List<String> bucket4jTuned() {
    return List.of(DELAYING, PREDICTING);
  }

  /**
   * The Bucket4j optimizations at the closest over-admission bound they allow, the best of which is
   * compared.
   */
  List<String> bucket4jClosest() {
    return List.of(DELAYING_1, PREDICTING_1);
  }

  /** The engines' settings, for the report's header. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "Engines: %s (no reservation); %s (reservation window %d ms, share %.2f); %s"
            + " (Optimizations.batching()); %s, %s (Optimizations.delaying / predicting with"
            + " DelayParameters(maxUnsynchronizedTokens %d, timeout %d ms), batching included);"
            + " %s, %s (the same with maxUnsynchronizedTokens 1, one key only)",
        OURS,
        RESERVING,
        window.toMillis(),
        share,
        BATCHING,
        DELAYING,
        PREDICTING,
        delay.maxUnsynchronizedTokens,
        window.toMillis(),
        DELAYING_1,
        PREDICTING_1);
  }
}
