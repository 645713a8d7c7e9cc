package dev.tollgate.ui.replay;

import dev.tollgate.audit.AuditRecord;
import java.time.Instant;

/** One step of a replay: a transcript turn or a recorded tool call, placed on one time line. */
public sealed interface TimelineEntry {
    Instant at();

    /** What the agent or user said. */
    record Turn(TranscriptTurn turn) implements TimelineEntry {
        @Override
        public Instant at() {
            return turn.timestamp();
        }
    }

    /** A tool call the agent made. */
    record Call(AuditRecord record) implements TimelineEntry {
        @Override
        public Instant at() {
            return record.timestamp();
        }
    }
}
