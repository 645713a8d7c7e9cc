package dev.tollgate.ui.replay;

import java.time.Duration;
import java.util.Optional;
import javafx.animation.PauseTransition;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** One session's time line in Replay: the current step, stepping, jumping to blocked calls and timed playback. */
final class TimelinePlayer {
    private static final Duration MAX_PLAY_GAP = Duration.ofSeconds(2);

    private final ObservableList<TimelineEntry> entries = FXCollections.observableArrayList();
    private final IntegerProperty position = new SimpleIntegerProperty(-1);
    private final ReadOnlyBooleanWrapper playing = new ReadOnlyBooleanWrapper();
    private final PauseTransition player = new PauseTransition();
    private double speed = 1;

    TimelinePlayer() {
        player.setOnFinished(e -> playStep());
    }

    ObservableList<TimelineEntry> entries() {
        return entries;
    }

    IntegerProperty position() {
        return position;
    }

    ReadOnlyBooleanProperty playingProperty() {
        return playing.getReadOnlyProperty();
    }

    Optional<TimelineEntry> current() {
        int p = position.get();
        return p >= 0 && p < entries.size() ? Optional.of(entries.get(p)) : Optional.empty();
    }

    void stepForward() {
        if (position.get() < entries.size() - 1) {
            position.set(position.get() + 1);
        } else {
            pause();
        }
    }

    void stepBack() {
        if (position.get() > 0) {
            position.set(position.get() - 1);
        }
    }

    /** Moves to the next blocked call after the current position (wrapping to the first); false when there is none. */
    boolean nextBlocked() {
        int n = entries.size();
        for (int k = 1; k <= n; k++) {
            int i = (position.get() + k) % n;
            if (entries.get(i) instanceof TimelineEntry.Call call
                    && call.record().blocked()) {
                position.set(i);
                return true;
            }
        }
        return false;
    }

    /** Plays from the current position, waiting the recorded gaps divided by {@code speed} (gaps capped at 2 s). */
    void play(double speed) {
        this.speed = speed;
        if (entries.isEmpty()) {
            return;
        }
        if (position.get() >= entries.size() - 1) {
            position.set(0);
        }
        playing.set(true);
        scheduleNext();
    }

    void pause() {
        playing.set(false);
        player.stop();
    }

    private void playStep() {
        if (!playing.get()) {
            return;
        }
        stepForward();
        if (position.get() >= entries.size() - 1) {
            pause();
        } else {
            scheduleNext();
        }
    }

    private void scheduleNext() {
        int p = Math.max(0, position.get());
        Duration gap = p + 1 < entries.size()
                ? Duration.between(entries.get(p).at(), entries.get(p + 1).at())
                : Duration.ZERO;
        if (gap.compareTo(MAX_PLAY_GAP) > 0) {
            gap = MAX_PLAY_GAP;
        }
        double millis = Math.max(40, gap.toMillis() / speed);
        player.setDuration(javafx.util.Duration.millis(millis));
        player.playFromStart();
    }
}
