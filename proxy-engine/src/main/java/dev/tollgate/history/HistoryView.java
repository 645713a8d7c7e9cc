package dev.tollgate.history;

/**
 * What a condition may ask about earlier calls; tools are {@code server.tool} names or {@code *} globs.
 * Implementations answer from a snapshot-free live tally, so two reads may differ if a call lands in between.
 */
public interface HistoryView {
    /** No earlier calls. */
    HistoryView EMPTY = new HistoryView() {
        @Override
        public long count(String tool) {
            return 0;
        }

        @Override
        public double sum(String tool, String argument) {
            return 0;
        }
    };

    /** How many allowed calls matched {@code tool}. */
    long count(String tool);

    /** The total of the numeric top-level argument {@code argument} over allowed calls matching {@code tool}. */
    double sum(String tool, String argument);

    /** Whether any allowed call matched {@code tool}. */
    default boolean called(String tool) {
        return count(tool) > 0;
    }
}
