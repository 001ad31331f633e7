package dev.limiter.operator.api;

import java.util.List;

/**
 * A resource read by {@link LenientResourceReader}: what of its spec no model type could hold was
 * left out, and is remembered here (with its path and the text found) to be reported as an invalid
 * spec.
 */
public interface LenientlyRead {

  /** What the reader left out of the spec; empty when the spec was read whole. */
  List<CrdSchema.Violation> unreadable();

  /** Records what the reader left out of the spec. */
  void unreadable(List<CrdSchema.Violation> violations);
}
