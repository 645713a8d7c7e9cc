package dev.tollgate.ui.alerts;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.IntegerBinding;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Turns blocked calls and loop-breaker trips into alerts. A burst against the same tool within
 * {@link #WINDOW} becomes one alert ("37 calls to payments.issueRefund blocked in 10 s") and one
 * popup at most every {@link #RENOTIFY} while it lasts, so a refund storm does not bury the screen.
 */
public final class AlertsViewModel {
    public static final Duration WINDOW = Duration.ofSeconds(10);
    public static final Duration RENOTIFY = Duration.ofSeconds(10);
    private static final int MAX_ALERTS = 1_000;

    private final ObservableList<AlertEntry> alerts = FXCollections.observableArrayList(
            a -> new javafx.beans.Observable[] {a.acknowledgedProperty(), a.countProperty()});
    private final IntegerBinding unacknowledged = Bindings.createIntegerBinding(
            () -> (int) alerts.stream().filter(a -> !a.acknowledgedProperty().get()).count(), alerts);
    private Consumer<AlertEntry> notifier = a -> { };
    private Consumer<Long> showCall = id -> { };
    private Consumer<String> showFilter = f -> { };

    public ObservableList<AlertEntry> alerts() { return alerts; }
    public IntegerBinding unacknowledgedProperty() { return unacknowledged; }

    /** How a popup is shown (the view uses ControlsFX Notifications). */
    public void setNotifier(Consumer<AlertEntry> notifier) { this.notifier = notifier; }

    /** How "show call" reaches the timeline: by record id, or by a filter for trips that have none. */
    public void setNavigation(Consumer<Long> showCall, Consumer<String> showFilter) {
        this.showCall = showCall;
        this.showFilter = showFilter;
    }

    public void onEvents(List<EngineEvent> batch) {
        Set<AlertEntry> touched = new LinkedHashSet<>();
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.CallCompleted done && done.record().blocked()) {
                AuditRecord r = done.record();
                touched.add(raise(AlertEntry.Kind.BLOCKED, r.agentId(), r.qualifiedTool(), r.timestamp(),
                        OptionalLong.of(r.id()), r.qualifiedTool() + " blocked for " + r.agentId() + ": " + r.rule()));
            } else if (e instanceof EngineEvent.LoopBreakerTripped trip) {
                touched.add(raise(AlertEntry.Kind.LOOP_BREAKER, trip.agentId(), trip.tool(), trip.at(), OptionalLong.empty(),
                        "Loop breaker stopped " + trip.agentId() + ": " + trip.repeats() + " repeats of " + trip.tool()
                                + " in " + trip.window()));
            }
        }
        touched.forEach(AlertEntry::publish);
        Instant now = Instant.now();
        for (AlertEntry a : touched) {
            if (Duration.between(a.lastNotified(), now).compareTo(RENOTIFY) >= 0 || a.lastNotified().equals(Instant.MIN)) {
                a.notified(now);
                notifier.accept(a);
            }
        }
    }

    public void acknowledge(AlertEntry alert) {
        alert.acknowledgedProperty().set(true);
    }

    public void acknowledgeAll() {
        alerts.forEach(this::acknowledge);
    }

    /** Jumps to the alert's newest call in the timeline (or filters the timeline to the tripped agent and tool). */
    public void show(AlertEntry alert) {
        acknowledge(alert);
        if (alert.lastRecordId().isPresent()) {
            showCall.accept(alert.lastRecordId().getAsLong());
        } else {
            showFilter.accept("agent:" + alert.agentId() + " tool:" + alert.tool());
        }
    }

    private AlertEntry raise(AlertEntry.Kind kind, String agent, String tool, Instant at, OptionalLong recordId, String single) {
        for (AlertEntry a : alerts) {
            if (a.kind() == kind && a.tool().equals(tool) && !at.isBefore(a.firstAt())
                    && Duration.between(a.firstAt(), at).compareTo(WINDOW) <= 0) {
                a.absorb(at, recordId, burst(kind, a.total() + 1, tool, Duration.between(a.firstAt(), at)));
                return a;
            }
        }
        AlertEntry fresh = new AlertEntry(kind, agent, tool, at, recordId, single);
        alerts.add(0, fresh);
        if (alerts.size() > MAX_ALERTS) {
            alerts.remove(MAX_ALERTS, alerts.size());
        }
        return fresh;
    }

    private static String burst(AlertEntry.Kind kind, int count, String tool, Duration span) {
        long seconds = Math.max(1, (span.toMillis() + 999) / 1000);
        return kind == AlertEntry.Kind.BLOCKED
                ? count + " calls to " + tool + " blocked in " + seconds + " s"
                : "Loop breaker tripped " + count + " times on " + tool + " in " + seconds + " s";
    }
}
