package dev.tollgate.approval;

import java.time.Duration;
import java.time.Instant;

/** A human's answer to a held call (or the timeout's): who, when, with which note, and how long the call waited. */
public record Answer(boolean approved, String by, Instant at, String note, Duration waited) {

    /** One sentence for the audit record and the agent, e.g. {@code approved by alice after 12.3 s: refund checked}. */
    public String describe() {
        return (approved ? "approved" : "denied") + " by " + by + " at " + at + " after "
                + String.format(java.util.Locale.ROOT, "%.1f", waited.toMillis() / 1000.0) + " s"
                + (note.isBlank() ? "" : ": " + note);
    }
}
