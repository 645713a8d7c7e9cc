package dev.tollgate.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One upstream's circuit: after {@code threshold} consecutive failed requests it opens and calls fail fast for
 * {@code coolDown} instead of each waiting for a timeout; then one probe call goes through (half-open), and its
 * outcome closes the circuit or opens it for another cool-down. A threshold of 0 turns the circuit off.
 */
public final class CircuitBreaker {
    /** Why a call may not go ahead now, and when it may try again. */
    public record Rejection(Instant retryAt, String reason) {}

    private enum Phase {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int threshold;
    private final Duration coolDown;
    private final Clock clock;
    private Phase phase = Phase.CLOSED;
    private int failures;
    private Instant openUntil = Instant.EPOCH;
    private boolean probing;
    private String lastFailure = "";

    public CircuitBreaker(int threshold, Duration coolDown, Clock clock) {
        this.threshold = threshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /** Empty when a call may go ahead (while half-open: the one probe); else why not and until when. */
    public synchronized Optional<Rejection> admit() {
        if (threshold <= 0 || phase == Phase.CLOSED) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (phase == Phase.OPEN && now.isBefore(openUntil)) {
            return Optional.of(new Rejection(
                    openUntil,
                    failures + " calls in a row failed (last: " + lastFailure
                            + "), so calls fail fast until the cool-down ends"));
        }
        if (probing) {
            return Optional.of(
                    new Rejection(now.plus(Duration.ofSeconds(1)), "one probe call is testing whether it recovered"));
        }
        phase = Phase.HALF_OPEN;
        probing = true;
        return Optional.empty();
    }

    /** A call got an answer: the circuit closes. Returns whether it was open or half-open before. */
    public synchronized boolean succeeded() {
        boolean wasOpen = phase != Phase.CLOSED;
        phase = Phase.CLOSED;
        failures = 0;
        probing = false;
        return wasOpen;
    }

    /** A call failed (unreachable, timed out, broken answer). Returns the end of the cool-down if it opened now. */
    public synchronized Optional<Instant> failed(String why) {
        lastFailure = why;
        failures++;
        boolean open = phase == Phase.HALF_OPEN || (threshold > 0 && phase == Phase.CLOSED && failures >= threshold);
        probing = false;
        if (!open) {
            return Optional.empty();
        }
        phase = Phase.OPEN;
        openUntil = clock.instant().plus(coolDown);
        return Optional.of(openUntil);
    }

    /** A call ended without saying anything about the upstream (the agent cancelled it): a probe may go again. */
    public synchronized void abandoned() {
        probing = false;
    }
}
