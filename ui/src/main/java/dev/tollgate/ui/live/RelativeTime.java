package dev.tollgate.ui.live;

import java.time.Duration;
import java.time.Instant;

/** How long ago a call was, in the coarsest unit that still reads at a glance ("12 s ago", "3 d ago"). */
public final class RelativeTime {
    private RelativeTime() {}

    public static String ago(Instant then, Instant now) {
        long s = Duration.between(then, now).getSeconds();
        if (s < 1) {
            return "just now";
        }
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3_600) {
            return s / 60 + " min ago";
        }
        if (s < 86_400) {
            return s / 3_600 + " h ago";
        }
        return s / 86_400 + " d ago";
    }
}
