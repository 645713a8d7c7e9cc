package dev.tollgate.ui.fx;

/** Counts events per second over a short sliding window (FX thread only). */
public final class RateMeter {
    private static final int WINDOW_SECONDS = 5;
    private final long[] counts = new long[WINDOW_SECONDS + 1];
    private final long[] seconds = new long[WINDOW_SECONDS + 1];

    public void add(long epochSecond, long n) {
        int slot = (int) (epochSecond % counts.length);
        if (seconds[slot] != epochSecond) {
            seconds[slot] = epochSecond;
            counts[slot] = 0;
        }
        counts[slot] += n;
    }

    /** Average per second over the last complete seconds before {@code nowSecond}. */
    public double perSecond(long nowSecond) {
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (seconds[i] < nowSecond && seconds[i] >= nowSecond - WINDOW_SECONDS) {
                total += counts[i];
            }
        }
        return total / (double) WINDOW_SECONDS;
    }
}
