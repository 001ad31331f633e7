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
 * error bound: {@code maxUnsynchronizedTokens} = share × capacity, timeout = window.
 */
final class HotEngines {

  static final String OURS = "ours";
  static final String RESERVING = "ours+res";
  static final String BATCHING = "b4j-batch";
  static final String DELAYING = "b4j-delay";
  static final String PREDICTING = "b4j-predict";

  private final Duration window;
  private final double share;
  private final DelayParameters delay;
  private final Optional<List<String>> selected;

  /**
   * The engines for a reservation of {@code window} and {@code share} on buckets of {@code spec};
   * only those named in {@code selected}, when given.
   */
  HotEngines(Duration window, double share, BucketSpec spec, Optional<List<String>> selected) {
    this.window = window;
    this.share = share;
    this.selected = selected;
    delay = new DelayParameters((long) Math.floor(share * spec.capacity()), window);
  }

  /** The selected engines, ours first. */
  List<HotEngine.Kind> all() {
    return every().stream()
        .filter(kind -> selected.map(names -> names.contains(kind.name())).orElse(true))
        .toList();
  }

  private List<HotEngine.Kind> every() {
    return List.of(
        OursHotEngine.kind(OURS, builder -> builder),
        OursHotEngine.kind(
            RESERVING, builder -> builder.localReservation(new LocalReservation(window, share))),
        Bucket4jHotEngine.kind(BATCHING, Optimizations.batching()),
        Bucket4jHotEngine.kind(DELAYING, Optimizations.delaying(delay)),
        Bucket4jHotEngine.kind(PREDICTING, Optimizations.predicting(delay)));
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
   * The two readings of "Bucket4j tuned to the same error bound", each a peer of the 10× target.
   * Equal over-admission bound (ours admits nothing beyond {@code C + R·t/P}): {@code
   * DelayParameters} refuses fewer than one unsynchronized token and each instance may over-admit
   * as many as it allows, so the largest setting that never over-admits is {@code batching()}
   * alone, which only merges one proxy's concurrent requests into one exact remote command. Equal
   * error size: {@code tuned}, the better of delaying and predicting with share × capacity
   * unsynchronized tokens, which it spends on over-admission where ours under-admits.
   */
  List<HotReport.Peer> peers(String tuned) {
    return List.of(
        new HotReport.Peer(BATCHING, "equal over-admission bound, 0 tokens"),
        new HotReport.Peer(
            tuned,
            "equal error size, " + delay.maxUnsynchronizedTokens + " unsynchronized tokens"));
  }

  /** The Bucket4j optimizations tuned to our error size, the best of which is compared. */
  List<String> bucket4jTuned() {
    return List.of(DELAYING, PREDICTING);
  }

  /** The engines' settings, for the report's header. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "Engines: %s (no reservation); %s (reservation window %d ms, share %.2f); %s"
            + " (Optimizations.batching()); %s, %s (Optimizations.delaying / predicting with"
            + " DelayParameters(maxUnsynchronizedTokens %d, timeout %d ms), batching included)",
        OURS,
        RESERVING,
        window.toMillis(),
        share,
        BATCHING,
        DELAYING,
        PREDICTING,
        delay.maxUnsynchronizedTokens,
        window.toMillis());
  }
}
