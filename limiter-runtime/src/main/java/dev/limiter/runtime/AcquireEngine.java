package dev.limiter.runtime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Takes an acquire's tokens: plans its buckets ({@link AcquirePlan}: shards, a cascading parent),
 * admits locally what this instance reserved ({@link LocalReservations}), writes the rest (in
 * order, in one transaction, or both sides in parallel with refunds), refuses locally what DynamoDB
 * certainly would ({@link LocalRejections}) and makes the lease. While an outage is known, what the
 * open reservations cover is still admitted locally, planned from the caches; the rest gets the
 * unavailability policy.
 */
final class AcquireEngine {

  private final Clock clock;
  private final Entities entities;
  private final StoredLimits storedLimits;
  private final BucketWriter writer;
  private final ReservingWriter reserving;
  private final LocalReservations reservations;
  private final LocalRejections rejections;
  private final AdjustmentWriter adjustments;
  private final OutagePolicy outages;
  private final UsageListener usage;
  private final CascadeMode cascadeMode;

  AcquireEngine(
      Clock clock,
      Entities entities,
      StoredLimits storedLimits,
      BucketWriter writer,
      LocalReservations reservations,
      LocalRejections rejections,
      AdjustmentWriter adjustments,
      OutagePolicy outages,
      UsageListener usage,
      CascadeMode cascadeMode) {
    this.clock = clock;
    this.entities = entities;
    this.storedLimits = storedLimits;
    this.writer = writer;
    this.reservations = reservations;
    this.reserving = new ReservingWriter(writer, reservations);
    this.rejections = rejections;
    this.adjustments = adjustments;
    this.outages = outages;
    this.usage = usage;
    this.cascadeMode = cascadeMode;
  }

  /** See {@link RateLimiter#acquire(String, String, Map, List)}. */
  Lease acquire(String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
    return acquire(entityId, resource, consume, limits, reservations.defaults());
  }

  private Lease acquire(
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      LocalReservation reservation) {
    BucketTake.of(new BucketKey(entityId, resource), consume, limits);
    Lease reserved = admittedDuringOutage(entityId, resource, consume, limits, reservation);
    if (reserved != null) {
      return reserved;
    }
    if (!outages.mayCall()) {
      return outages.unavailableNow(UnenforcedLease.INSTANCE);
    }
    AcquirePlan plan;
    try {
      plan = Futures.join(plan(entityId, resource, consume, limits, reservation));
    } catch (RuntimeException e) {
      return outages.failed(e, UnenforcedLease.INSTANCE);
    }
    if (!plan.simple()) {
      return Futures.join(execute(plan));
    }
    BucketTake take = plan.own().get(0);
    long now = EpochNanos.now(clock);
    ReservationPool.Admission local = reserving.admitLocally(take, plan.ownReservation(), now);
    if (local != null) {
      usage.onAcquired(take.key().entityId(), take.key().resource(), take.consume());
      return take.lease(adjustments, local, now);
    }
    List<Violation> known = rejections.refusal(take, now);
    if (!known.isEmpty()) {
      throw rejection(known);
    }
    ReservingWriter.Written written;
    try {
      written = reserving.write(take, plan.ownReservation(), now);
    } catch (RuntimeException e) {
      return outages.failed(e, UnenforcedLease.INSTANCE);
    }
    if (written.outcome() instanceof BucketWrite.Undecided undecided) {
      return outages.failed(outages.undecided(take, undecided), UnenforcedLease.INSTANCE);
    }
    outages.succeeded();
    remember(take, written.outcome(), now);
    return lease(written.outcome(), written.own(), take, now);
  }

  /** See {@link RateLimiter#acquire(String, String, Map)}. */
  Lease acquire(String entityId, String resource, Map<String, Long> consume) {
    Lease reserved = admittedDuringOutage(entityId, resource, consume);
    if (reserved != null) {
      return reserved;
    }
    if (!outages.mayCall()) {
      return outages.unavailableNow(UnenforcedLease.INSTANCE);
    }
    StoredLimits.Resolution resolution;
    try {
      resolution = storedLimits.resolution(entityId, resource);
    } catch (RuntimeException e) {
      return outages.failed(e, UnenforcedLease.INSTANCE);
    }
    List<Limit> limits =
        resolution.limits().orElseThrow(() -> new NoLimitsConfiguredException(entityId, resource));
    return acquire(
        entityId, resource, consume, limits, reservations.effective(resolution.reservation()));
  }

  /** See {@link RateLimiter#acquireAsync(String, String, Map, List)}. */
  CompletableFuture<Lease> acquireAsync(
      String entityId, String resource, Map<String, Long> consume, List<Limit> limits) {
    return acquireAsync(entityId, resource, consume, limits, reservations.defaults());
  }

  private CompletableFuture<Lease> acquireAsync(
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      LocalReservation reservation) {
    BucketTake.of(new BucketKey(entityId, resource), consume, limits);
    Lease reserved = admittedDuringOutage(entityId, resource, consume, limits, reservation);
    if (reserved != null) {
      return CompletableFuture.completedFuture(reserved);
    }
    if (!outages.mayCall()) {
      return outages.decidedNow(UnenforcedLease.INSTANCE);
    }
    return plan(entityId, resource, consume, limits, reservation)
        .handle(
            (plan, failure) -> {
              if (failure != null) {
                return CompletableFuture.completedFuture(
                    outages.failed(
                        DynamoDbGateway.unwrap(failure), (Lease) UnenforcedLease.INSTANCE));
              }
              return execute(plan);
            })
        .thenCompose(lease -> lease);
  }

  /** See {@link RateLimiter#acquireAsync(String, String, Map)}. */
  CompletableFuture<Lease> acquireAsync(
      String entityId, String resource, Map<String, Long> consume) {
    Lease reserved = admittedDuringOutage(entityId, resource, consume);
    if (reserved != null) {
      return CompletableFuture.completedFuture(reserved);
    }
    if (!outages.mayCall()) {
      return outages.decidedNow(UnenforcedLease.INSTANCE);
    }
    return storedLimits
        .resolutionAsync(entityId, resource)
        .handle(
            (resolution, failure) -> {
              if (failure != null) {
                return CompletableFuture.completedFuture(
                    outages.failed(
                        DynamoDbGateway.unwrap(failure), (Lease) UnenforcedLease.INSTANCE));
              }
              List<Limit> limits =
                  resolution
                      .limits()
                      .orElseThrow(() -> new NoLimitsConfiguredException(entityId, resource));
              return acquireAsync(
                  entityId,
                  resource,
                  consume,
                  limits,
                  reservations.effective(resolution.reservation()));
            })
        .thenCompose(lease -> lease);
  }

  /**
   * While an outage is known, the lease of an acquire on stored limits that this instance's open
   * reservations admit (see the other overload); null when none is known or they cannot.
   */
  private Lease admittedDuringOutage(String entityId, String resource, Map<String, Long> consume) {
    if (!outages.outageKnown()) {
      return null;
    }
    Optional<StoredLimits.Resolution> cached = storedLimits.cached(entityId, resource);
    if (cached.isEmpty() || cached.get().limits().isEmpty()) {
      return null;
    }
    return admittedDuringOutage(
        entityId,
        resource,
        consume,
        cached.get().limits().get(),
        reservations.effective(cached.get().reservation()));
  }

  /**
   * While an outage is known, the lease of an acquire every side of which (its own bucket, and a
   * cascading parent's) this instance's open reservations admit, planned from the caches alone:
   * those tokens left the shared bucket when they were reserved, so admitting them keeps the bound
   * with DynamoDB unreachable. Null when no outage is known, a lookup is not cached, or a side
   * cannot be admitted so (a side admitted goes back); then the unavailability policy decides as
   * before.
   */
  private Lease admittedDuringOutage(
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      LocalReservation reservation) {
    if (!outages.outageKnown()) {
      return null;
    }
    Optional<AcquirePlan> cached =
        AcquirePlan.cached(
            entities,
            storedLimits,
            reservations,
            clock.instant(),
            entityId,
            resource,
            consume,
            limits,
            reservation);
    if (cached.isEmpty()) {
      return null;
    }
    AcquirePlan plan = cached.get();
    long now = EpochNanos.now(clock);
    Attempt own = local(plan.own(), plan.ownReservation(), now);
    if (own == null) {
      return null;
    }
    if (plan.parent().isEmpty()) {
      return lease(own.outcome(), own.slice(), own.take(), now);
    }
    Attempt parent = local(plan.parent(), plan.parentReservation(), now);
    if (parent == null) {
      undo(own);
      return null;
    }
    return cascadeLease(sideLease(own, now), own.take(), sideLease(parent, now), parent.take());
  }

  private CompletableFuture<AcquirePlan> plan(
      String entityId,
      String resource,
      Map<String, Long> consume,
      List<Limit> limits,
      LocalReservation reservation) {
    return AcquirePlan.of(
        entities,
        storedLimits,
        reservations,
        clock.instant(),
        entityId,
        resource,
        consume,
        limits,
        reservation);
  }

  /**
   * Runs a plan. A side whose first candidate this instance holds a reservation of is admitted
   * locally; only the other sides are written. Without a parent: the own buckets in order until one
   * admits. With a parent: (by default) both sides in parallel (2 WCU), where the admitted side is
   * refunded when the other refuses, so a rejected acquire consumes neither: a locally admitted
   * side goes back to its pool, a written one is refunded; a refund that fails leaves tokens taken
   * (the limiter errs towards admitting less, never more). In one transaction: a side served or
   * reserved locally stands apart and the other is written alone; otherwise both in one
   * transaction.
   */
  private CompletableFuture<Lease> execute(AcquirePlan plan) {
    long now = EpochNanos.now(clock);
    Attempt ownLocal = local(plan.own(), plan.ownReservation(), now);
    Attempt parentLocal =
        plan.parent().isEmpty() ? null : local(plan.parent(), plan.parentReservation(), now);
    for (List<BucketTake> side : List.of(plan.own(), plan.parent())) {
      boolean served = side == plan.own() ? ownLocal != null : parentLocal != null;
      List<Violation> known = side.isEmpty() || served ? List.of() : knownRefusal(side, now);
      if (!known.isEmpty()) {
        undo(ownLocal);
        undo(parentLocal);
        return CompletableFuture.failedFuture(rejection(known));
      }
    }
    if (plan.parent().isEmpty()) {
      return (ownLocal != null
              ? CompletableFuture.completedFuture(ownLocal)
              : firstAdmitting(plan.own(), plan.ownReservation(), 0, now))
          .thenApply(
              attempt -> {
                if (attempt.failure() != null) {
                  return outages.failed(attempt.failure(), (Lease) UnenforcedLease.INSTANCE);
                }
                if (!attempt.local()) {
                  outages.succeeded();
                }
                return lease(attempt.outcome(), attempt.slice(), attempt.take(), now);
              });
    }
    if (cascadeMode == CascadeMode.TRANSACTION && ownLocal == null && parentLocal == null) {
      return inOneTransaction(plan, now);
    }
    return bothSides(
        plan,
        ownLocal != null
            ? CompletableFuture.completedFuture(ownLocal)
            : firstAdmitting(plan.own(), plan.ownReservation(), 0, now),
        parentLocal != null
            ? CompletableFuture.completedFuture(parentLocal)
            : firstAdmitting(plan.parent(), plan.parentReservation(), 0, now),
        now);
  }

  /**
   * A cascade both of whose sides are decided apart: each admitted locally or written alone. When
   * both admit, the lease; otherwise the admitted side goes back (a locally admitted or reserved
   * slice to its pool, a written one refunded) and the refusal, or the failure's policy, follows.
   */
  private CompletableFuture<Lease> bothSides(
      AcquirePlan plan,
      CompletableFuture<Attempt> childAttempt,
      CompletableFuture<Attempt> parentAttempt,
      long now) {
    return childAttempt
        .thenCombine(parentAttempt, List::of)
        .thenCompose(
            attempts -> {
              Attempt c = attempts.get(0);
              Attempt p = attempts.get(1);
              if (c.applied() && p.applied()) {
                if (!c.local() || !p.local()) {
                  outages.succeeded();
                }
                return CompletableFuture.completedFuture(
                    cascadeLease(sideLease(c, now), c.take(), sideLease(p, now), p.take()));
              }
              List<CompletableFuture<BucketWrite.Outcome>> refunds = new ArrayList<>();
              long refundAt = EpochNanos.now(clock);
              for (Attempt attempt : attempts) {
                if (attempt.slice() != null) {
                  attempt.slice().undo();
                } else if (attempt.applied()) {
                  List<LimitOp> ops =
                      attempt
                          .take()
                          .lease(adjustments, state(attempt.outcome()), now)
                          .refunds(refundAt);
                  if (!ops.isEmpty()) {
                    refunds.add(adjustments.refundAsync(attempt.take().key(), ops, refundAt));
                  }
                }
              }
              return CompletableFuture.allOf(refunds.toArray(CompletableFuture[]::new))
                  .handle(
                      (done, refundFailure) -> {
                        Throwable failure = c.failure() != null ? c.failure() : p.failure();
                        if (failure != null) {
                          return outages.failed(failure, (Lease) UnenforcedLease.INSTANCE);
                        }
                        List<Violation> violations = new ArrayList<>();
                        attempts.forEach(attempt -> violations.addAll(attempt.violations()));
                        RateLimitExceededException rejected = rejection(violations);
                        if (refundFailure != null) {
                          rejected.addSuppressed(DynamoDbGateway.unwrap(refundFailure));
                        }
                        throw rejected;
                      });
            });
  }

  /**
   * A cascade in one transaction that no open reservation serves. A side whose pool finds it hot
   * reserves first, alone (the parent first: the key many children share). When its segment was
   * kept, the request's slice of it stands for that side and the other side is written alone, the
   * slice going back to the pool if that refuses: still all or nothing, for 1 WCU where the
   * transaction costs 4. Otherwise both sides go in one transaction, as without reservation.
   */
  private CompletableFuture<Lease> inOneTransaction(AcquirePlan plan, long now) {
    return reservedAlone(plan.parent(), plan.parentReservation(), now)
        .thenCompose(
            parent ->
                parent != null
                    ? afterReservation(plan, null, parent, now)
                    : reservedAlone(plan.own(), plan.ownReservation(), now)
                        .thenCompose(
                            own ->
                                own != null
                                    ? afterReservation(plan, own, null, now)
                                    : transact(plan, 0, 0, now)));
  }

  /**
   * Goes on from the reservation of one side of a transactional cascade ({@code own} or {@code
   * parent}, the other null): the other side is written alone, the parent without reserving when
   * the child reserved (its pool was consulted for this acquire already). A refusal of the request
   * alone tries the side's next shard in one transaction, as {@link #transact} would.
   */
  private CompletableFuture<Lease> afterReservation(
      AcquirePlan plan, Attempt own, Attempt parent, long now) {
    Attempt reserved = own != null ? own : parent;
    if (reserved.failure() != null) {
      return CompletableFuture.completedFuture(
          outages.failed(reserved.failure(), (Lease) UnenforcedLease.INSTANCE));
    }
    outages.succeeded();
    if (!reserved.applied()) {
      List<BucketTake> side = own != null ? plan.own() : plan.parent();
      if (side.size() > 1) {
        return own != null ? transact(plan, 1, 0, now) : transact(plan, 0, 1, now);
      }
      return CompletableFuture.failedFuture(rejection(reserved.violations()));
    }
    return bothSides(
        plan,
        own != null
            ? CompletableFuture.completedFuture(own)
            : firstAdmitting(plan.own(), plan.ownReservation(), 0, now),
        parent != null
            ? CompletableFuture.completedFuture(parent)
            : firstAdmitting(plan.parent(), LocalReservation.OFF, 0, now),
        now);
  }

  /**
   * {@code candidates}' first bucket reserved alone ({@link ReservingWriter#reserveAsync}), as an
   * attempt; null when nothing was reserved.
   */
  private CompletableFuture<Attempt> reservedAlone(
      List<BucketTake> candidates, LocalReservation reservation, long now) {
    BucketTake take = candidates.get(0);
    return reserving
        .reserveAsync(take, reservation, now)
        .handle(
            (written, failure) ->
                failure == null && written == null ? null : attempt(take, written, failure, now));
  }

  /**
   * {@code candidates}' first bucket admitted from this instance's reservation, as an applied
   * attempt carrying its lease times; null when it cannot be.
   */
  private Attempt local(List<BucketTake> candidates, LocalReservation reservation, long now) {
    BucketTake take = candidates.get(0);
    ReservationPool.Admission admission = reserving.admitLocally(take, reservation, now);
    return admission == null
        ? null
        : new Attempt(
            take,
            new BucketWrite.Applied(admission.leaseState(), take.ops()),
            null,
            admission,
            true);
  }

  private static void undo(Attempt local) {
    if (local != null) {
      local.slice().undo();
    }
  }

  /**
   * The refusal every one of {@code candidates} would certainly get from DynamoDB, from refusals
   * this process already received ({@link LocalRejections}); empty when one of them might admit.
   */
  private List<Violation> knownRefusal(List<BucketTake> candidates, long now) {
    List<Violation> last = List.of();
    for (BucketTake candidate : candidates) {
      last = rejections.refusal(candidate, now);
      if (last.isEmpty()) {
        return List.of();
      }
    }
    return last;
  }

  /**
   * Keeps what a refusal revealed about the bucket, to refuse locally what DynamoDB certainly
   * would.
   */
  private void remember(BucketTake take, BucketWrite.Outcome outcome, long now) {
    if (outcome instanceof BucketWrite.Rejected rejected) {
      rejections.refused(take, rejected.violations(), now);
    }
  }

  /**
   * Tries {@code candidates} from {@code index} on until one admits; the last refusal otherwise.
   * The first may reserve ({@link ReservingWriter}); the others are written alone.
   */
  private CompletableFuture<Attempt> firstAdmitting(
      List<BucketTake> candidates, LocalReservation reservation, int index, long now) {
    BucketTake take = candidates.get(index);
    List<Violation> known = rejections.refusal(take, now);
    CompletableFuture<Attempt> written =
        !known.isEmpty()
            ? CompletableFuture.completedFuture(
                new Attempt(take, new BucketWrite.Rejected(known), null, null, false))
            : reserving
                .writeAsync(take, index == 0 ? reservation : LocalReservation.OFF, now)
                .handle((write, failure) -> attempt(take, write, failure, now));
    return written.thenCompose(
        attempt ->
            attempt.outcome() instanceof BucketWrite.Rejected && index + 1 < candidates.size()
                ? firstAdmitting(candidates, reservation, index + 1, now)
                : CompletableFuture.completedFuture(attempt));
  }

  /** How a write to {@code take}'s bucket went, or the failure that prevented an outcome. */
  private Attempt attempt(
      BucketTake take, ReservingWriter.Written write, Throwable failure, long now) {
    if (failure != null) {
      return new Attempt(take, null, DynamoDbGateway.unwrap(failure), null, false);
    }
    if (write.outcome() instanceof BucketWrite.Undecided undecided) {
      return new Attempt(take, null, outages.undecided(take, undecided), null, false);
    }
    remember(take, write.outcome(), now);
    return new Attempt(take, write.outcome(), null, write.own(), false);
  }

  /**
   * Child candidate {@code i} and parent candidate {@code j} in one transaction; another shard of
   * the side that refused next.
   */
  private CompletableFuture<Lease> transact(AcquirePlan plan, int i, int j, long now) {
    BucketTake child = plan.own().get(i);
    BucketTake parent = plan.parent().get(j);
    return writer
        .writeTogetherAsync(
            List.of(child.key(), parent.key()), List.of(child.ops(), parent.ops()), now)
        .handle(
            (outcome, failure) -> {
              if (failure != null) {
                Throwable cause = DynamoDbGateway.unwrap(failure);
                if (BucketWriter.outcomeHidden(cause)) {
                  // Even the SDK's token-idempotent replays could not tell: both sides may hold the
                  // tokens, once.
                  usage.onUndecided(
                      child.key().entityId(), child.key().resource(), child.consume());
                  usage.onUndecided(
                      parent.key().entityId(), parent.key().resource(), parent.consume());
                }
                return CompletableFuture.completedFuture(
                    outages.failed(cause, (Lease) UnenforcedLease.INSTANCE));
              }
              outages.succeeded();
              if (!(outcome instanceof BucketWrite.Rejected rejected)) {
                return CompletableFuture.completedFuture(
                    cascadeLease(
                        child.lease(adjustments, BucketState.EMPTY, now),
                        child,
                        parent.lease(adjustments, BucketState.EMPTY, now),
                        parent));
              }
              remember(child, rejected, now);
              remember(parent, rejected, now);
              boolean childRefused =
                  rejected.violations().stream()
                      .anyMatch(v -> v.entityId().equals(child.key().entityId()));
              if (!childRefused && j + 1 < plan.parent().size()) {
                return transact(plan, i, j + 1, now);
              }
              if (childRefused && i + 1 < plan.own().size()) {
                return transact(plan, i + 1, j, now);
              }
              throw rejection(rejected.violations());
            })
        .thenCompose(lease -> lease);
  }

  /**
   * The lease of {@code take}'s admitted acquire, giving back into {@code slice}'s reservation when
   * it has one (null for none); a refusal is thrown.
   */
  private Lease lease(
      BucketWrite.Outcome outcome,
      ReservationPool.Admission slice,
      BucketTake take,
      long acquiredAtNanos) {
    if (outcome instanceof BucketWrite.Rejected rejected) {
      throw rejection(rejected.violations());
    }
    usage.onAcquired(take.key().entityId(), take.key().resource(), take.consume());
    return bucketLease(take, outcome, slice, acquiredAtNanos);
  }

  /** The lease of one admitted side of a cascade, written or admitted locally. */
  private BucketLease sideLease(Attempt side, long acquiredAtNanos) {
    return bucketLease(side.take(), side.outcome(), side.slice(), acquiredAtNanos);
  }

  private BucketLease bucketLease(
      BucketTake take,
      BucketWrite.Outcome outcome,
      ReservationPool.Admission slice,
      long acquiredAtNanos) {
    return slice != null
        ? take.lease(adjustments, slice, acquiredAtNanos)
        : take.lease(adjustments, state(outcome), acquiredAtNanos);
  }

  private Lease cascadeLease(
      BucketLease childLease, BucketTake child, BucketLease parentLease, BucketTake parent) {
    usage.onAcquired(child.key().entityId(), child.key().resource(), child.consume());
    usage.onAcquired(parent.key().entityId(), parent.key().resource(), parent.consume());
    return new CascadeLease(childLease, parentLease, parent.limits().keySet());
  }

  private static BucketState state(BucketWrite.Outcome outcome) {
    return outcome instanceof BucketWrite.Applied applied ? applied.state() : BucketState.EMPTY;
  }

  private RateLimitExceededException rejection(List<Violation> violations) {
    usage.onRejected(violations);
    return new RateLimitExceededException(violations);
  }

  /**
   * How a write to one bucket went: an outcome, or the failure that prevented one; {@code slice}
   * the admission from this instance's reservation it holds (null for none), which its lease gives
   * back into and a refused cascade undoes; {@code local} when it was admitted so without a write.
   */
  private record Attempt(
      BucketTake take,
      BucketWrite.Outcome outcome,
      Throwable failure,
      ReservationPool.Admission slice,
      boolean local) {
    boolean applied() {
      return outcome instanceof BucketWrite.Applied;
    }

    List<Violation> violations() {
      return outcome instanceof BucketWrite.Rejected rejected ? rejected.violations() : List.of();
    }
  }
}
