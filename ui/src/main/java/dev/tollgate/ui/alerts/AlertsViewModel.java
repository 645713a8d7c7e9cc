package dev.tollgate.ui.alerts;

import static java.time.temporal.ChronoUnit.MILLIS;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.ui.live.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.IntegerBinding;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Turns blocked calls and loop-breaker trips into incidents: one per storm of one agent on one tool, where a
 * storm ends after {@link #QUIET} without a block. An incident counts its blocked calls by cause, the calls
 * of the pair that reached the server around it, and its conversations; it is announced once, when it opens
 * (the notice then follows it as it grows). Opening it filters the timeline to exactly its window and pair.
 */
public final class AlertsViewModel {
    public static final Duration QUIET = Duration.ofSeconds(60);
    private static final int MAX_ALERTS = 1_000;

    private final ObservableList<AlertEntry> alerts = FXCollections.observableArrayList(
            a -> new javafx.beans.Observable[] {a.acknowledgedProperty(), a.countProperty(), a.messageProperty()});
    private final IntegerBinding unacknowledged = Bindings.createIntegerBinding(
            () -> (int)
                    alerts.stream().filter(a -> !a.acknowledgedProperty().get()).count(),
            alerts);
    /** Allowed calls of the last {@link #QUIET}, per agent and tool, so a storm can count the ones before it. */
    private final Map<String, Deque<AuditRecord>> recentAllowed = new HashMap<>();

    private Consumer<AlertEntry> notifier = a -> {};
    private BiConsumer<String, OptionalLong> showWindow = (filter, id) -> {};
    private Consumer<String> openConversation = id -> {};

    public ObservableList<AlertEntry> alerts() {
        return alerts;
    }

    public IntegerBinding unacknowledgedProperty() {
        return unacknowledged;
    }

    /** How a new incident is announced (the shell shows a notice above the status bar). */
    public void setNotifier(Consumer<AlertEntry> notifier) {
        this.notifier = notifier;
    }

    /**
     * How opening an incident reaches the timeline (a filter, and the call to select in it) and how
     * "Open conversation" reaches Replay.
     */
    public void setNavigation(BiConsumer<String, OptionalLong> showWindow, Consumer<String> openConversation) {
        this.showWindow = showWindow;
        this.openConversation = openConversation;
    }

    public void onEvents(List<EngineEvent> batch) {
        Set<AlertEntry> touched = new LinkedHashSet<>();
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.CallCompleted done) {
                AuditRecord r = done.record();
                if (r.blocked()) {
                    AlertEntry incident =
                            incident(AlertEntry.Kind.BLOCKED, r.agentId(), r.qualifiedTool(), r.timestamp());
                    incident.blocked(
                            r.timestamp(),
                            r.id(),
                            Reason.of(r),
                            r.rule(),
                            r.conversationId().orElse(""));
                    touched.add(incident);
                } else {
                    allowed(r).ifPresent(touched::add);
                }
            } else if (e instanceof EngineEvent.LoopBreakerTripped trip) {
                AlertEntry incident = incident(AlertEntry.Kind.LOOP_BREAKER, trip.agentId(), trip.tool(), trip.at());
                incident.tripped(
                        trip.at(),
                        "Loop breaker stopped " + trip.agentId() + ": " + trip.repeats() + " repeats of " + trip.tool()
                                + " in " + trip.window());
                touched.add(incident);
            }
        }
        for (AlertEntry a : touched) {
            if (a.publish() && !a.notified()) {
                a.markNotified();
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

    /** Filters the timeline to the incident's agent, tool and window, selecting its newest blocked call. */
    public void show(AlertEntry alert) {
        acknowledge(alert);
        showWindow.accept(filter(alert), alert.lastRecordId());
    }

    /** Opens the incident's (first) conversation in Replay; false when its calls carried none. */
    public boolean openConversation(AlertEntry alert) {
        Optional<String> first = alert.conversations().stream().sorted().findFirst();
        first.ifPresent(openConversation);
        return first.isPresent();
    }

    /**
     * The timeline filter of exactly the incident: its pair and its window, both ends included (to the
     * millisecond, the precision the store keeps).
     */
    public static String filter(AlertEntry alert) {
        return "agent:" + alert.agentId() + " tool:" + alert.tool() + " time>="
                + alert.windowStart().truncatedTo(MILLIS) + " time<"
                + alert.lastAt().truncatedTo(MILLIS).plusMillis(1);
    }

    private Optional<AlertEntry> allowed(AuditRecord r) {
        String pair = r.agentId() + " " + r.qualifiedTool();
        Optional<AlertEntry> open = openIncident(r.agentId(), r.qualifiedTool(), r.timestamp());
        open.ifPresent(
                incident -> incident.reached(r.timestamp(), r.conversationId().orElse("")));
        if (open.isEmpty()) {
            Deque<AuditRecord> recent = recentAllowed.computeIfAbsent(pair, k -> new ArrayDeque<>());
            recent.addLast(r);
            while (!recent.isEmpty()
                    && Duration.between(recent.peekFirst().timestamp(), r.timestamp())
                                    .compareTo(QUIET)
                            > 0) {
                recent.removeFirst();
            }
        }
        return open;
    }

    private Optional<AlertEntry> openIncident(String agent, String tool, Instant at) {
        for (AlertEntry a : alerts) {
            if (a.agentId().equals(agent)
                    && a.tool().equals(tool)
                    && Duration.between(a.lastAt(), at).compareTo(QUIET) <= 0) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private AlertEntry incident(AlertEntry.Kind kind, String agent, String tool, Instant at) {
        Optional<AlertEntry> open = openIncident(agent, tool, at);
        if (open.isPresent()) {
            return open.get();
        }
        AlertEntry fresh = new AlertEntry(kind, agent, tool, at);
        Deque<AuditRecord> before = recentAllowed.remove(agent + " " + tool);
        if (before != null) {
            before.stream()
                    .filter(r -> Duration.between(r.timestamp(), at).compareTo(QUIET) <= 0)
                    .forEach(
                            r -> fresh.reached(r.timestamp(), r.conversationId().orElse("")));
        }
        alerts.add(0, fresh);
        if (alerts.size() > MAX_ALERTS) {
            alerts.remove(MAX_ALERTS, alerts.size());
        }
        return fresh;
    }
}
