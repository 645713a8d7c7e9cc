package dev.tollgate.ui.replay;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.engine.CallReplayer;
import dev.tollgate.engine.ResendRefusedException;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.Latest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javafx.animation.PauseTransition;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * Replay: pick a conversation or MCP session, see its transcript turns and tool calls on one time
 * line, step through it or play it at 1× or 10×, jump to the blocked calls. The list follows new calls
 * as they complete; transcripts come from the folder agents record them into, and from imports.
 */
public final class ReplayViewModel {
    /** How many recent records the session list is built from; older sessions are found by searching the store. */
    public static final int RECENT_RECORDS = 20_000;

    public static final int MAX_CALLS_PER_SESSION = 50_000;
    private static final javafx.util.Duration LIVE_REFRESH = javafx.util.Duration.seconds(2);

    private final AuditStore store;
    private final Optional<CallReplayer> replayer;
    private final ReadOnlyBooleanWrapper resending = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<ResendComparison> comparison = new ReadOnlyObjectWrapper<>();
    private final Background background;
    private final Latest sessionQueries;
    private final Latest timelineQueries;
    private final Optional<Path> transcriptFolder;
    private final Map<String, List<TranscriptTurn>> imported = new HashMap<>();
    private Map<String, List<TranscriptTurn>> transcripts = Map.of();
    private final PauseTransition refresh = new PauseTransition(LIVE_REFRESH);
    private Optional<String> opening = Optional.empty();
    private final ObservableList<SessionSummary> sessions = FXCollections.observableArrayList();
    private final FilteredList<SessionSummary> visibleSessions = new FilteredList<>(sessions);
    private final StringProperty search = new SimpleStringProperty("");
    private final ObjectProperty<SessionSummary> session = new SimpleObjectProperty<>();
    private final TimelinePlayer timeline = new TimelinePlayer();
    /** The audit record of the latest re-send, selected as soon as a loaded time line holds it. */
    private Optional<Long> showCall = Optional.empty();

    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");

    /**
     * {@code replayer} is empty when the store was opened read-only: calls can then be browsed, not re-sent.
     * {@code transcriptFolder} is where agents record their conversations ({@code *.jsonl}), read on every refresh.
     */
    public ReplayViewModel(
            AuditStore store, Optional<CallReplayer> replayer, Optional<Path> transcriptFolder, Background background) {
        this.store = store;
        this.replayer = replayer;
        this.transcriptFolder = transcriptFolder;
        this.background = background;
        this.sessionQueries = new Latest(background);
        this.timelineQueries = new Latest(background);
        search.addListener((o, was, now) -> {
            String needle = now.trim().toLowerCase(Locale.ROOT);
            visibleSessions.setPredicate(
                    needle.isEmpty()
                            ? null
                            : s -> List.of(needle.split("\\s+")).stream()
                                    .allMatch(w -> s.searchText().contains(w)));
            // An id older than the recent records is looked up in the store.
            refresh.playFromStart();
        });
        refresh.setOnFinished(e -> loadSessions());
        session.addListener((o, was, now) -> loadTimeline(
                now,
                was != null
                        && now != null
                        && was.kind() == now.kind()
                        && was.id().equals(now.id())));
    }

    public ObservableList<SessionSummary> sessions() {
        return visibleSessions;
    }

    public StringProperty searchProperty() {
        return search;
    }

    public ObjectProperty<SessionSummary> sessionProperty() {
        return session;
    }

    public ObservableList<TimelineEntry> entries() {
        return timeline.entries();
    }

    public IntegerProperty positionProperty() {
        return timeline.position();
    }

    public ReadOnlyBooleanProperty playingProperty() {
        return timeline.playingProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty resendingProperty() {
        return resending.getReadOnlyProperty();
    }
    /** The latest re-send's recorded and new result side by side; null before the first re-send. */
    public ReadOnlyObjectProperty<ResendComparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    /** Whether this window can re-send calls (a running proxy, not a store opened read-only). */
    public boolean canResend() {
        return replayer.isPresent();
    }

    /** The tool call at the current position, if the current step is a call rather than a transcript turn. */
    public Optional<AuditRecord> currentCall() {
        return current().filter(TimelineEntry.Call.class::isInstance).map(e -> ((TimelineEntry.Call) e).record());
    }

    /** Whether re-sending asks first: the tool's server does not declare it read-only (or does not list it now). */
    public boolean needsConfirmation(AuditRecord record) {
        return replayer.flatMap(r -> r.annotations(record))
                .map(a -> !a.isReadOnly())
                .orElse(true);
    }

    /** Re-sends the recorded call through the proxy in the background, then shows both results and their diff. */
    public void resend(AuditRecord record) {
        if (replayer.isEmpty() || resending.get()) {
            return;
        }
        CallReplayer calls = replayer.get();
        resending.set(true);
        message.set("Re-sending " + record.qualifiedTool() + "…");
        background.run(
                () -> calls.resend(record),
                resent -> {
                    resending.set(false);
                    ResendComparison shown = ResendComparison.of(record, resent);
                    comparison.set(shown);
                    message.set(shown.summary());
                    // The re-sent call joins the conversation's time line: select it once a loaded line holds it.
                    showCall = resent.auditRecordId();
                    if (session.get() != null) {
                        loadTimeline(session.get(), true);
                    }
                },
                e -> {
                    resending.set(false);
                    message.set(
                            e instanceof ResendRefusedException
                                    ? e.getMessage()
                                    : "Could not re-send " + record.qualifiedTool() + ": " + e.getMessage());
                });
    }

    public Optional<TimelineEntry> current() {
        return timeline.current();
    }

    /**
     * Rebuilds the session list from the newest records, the record folder's and the imported transcripts,
     * and, when the search is one word, every conversation or session in the store with exactly that id.
     */
    public void loadSessions() {
        Map<String, List<TranscriptTurn>> importedNow = copy(imported);
        String needle = search.get().trim();
        sessionQueries.run(
                () -> {
                    Map<String, List<TranscriptTurn>> turns = withRecorded(importedNow);
                    Map<Long, AuditRecord> records = new LinkedHashMap<>();
                    store.query(AuditQuery.builder()
                                    .newestFirst(true)
                                    .limit(RECENT_RECORDS)
                                    .build())
                            .forEach(r -> records.put(r.id(), r));
                    if (!needle.isEmpty() && !needle.contains(" ")) {
                        store.query(AuditQuery.builder()
                                        .conversation(needle)
                                        .limit(MAX_CALLS_PER_SESSION)
                                        .build())
                                .forEach(r -> records.put(r.id(), r));
                        store.query(AuditQuery.builder()
                                        .session(needle)
                                        .limit(MAX_CALLS_PER_SESSION)
                                        .build())
                                .forEach(r -> records.put(r.id(), r));
                    }
                    return new Listing(SessionIndex.summarize(List.copyOf(records.values()), turns), turns);
                },
                found -> {
                    transcripts = found.turns();
                    SessionSummary keep = opening.flatMap(id -> found.sessions().stream()
                                    .filter(s -> s.kind() == SessionSummary.Kind.CONVERSATION && s.id().equals(id))
                                    .findFirst())
                            .orElse(session.get());
                    opening = Optional.empty();
                    sessions.setAll(found.sessions());
                    if (keep != null) {
                        found.sessions().stream()
                                .filter(s -> s.kind() == keep.kind() && s.id().equals(keep.id()))
                                .findFirst()
                                .filter(now -> !now.equals(session.get()))
                                .ifPresent(session::set);
                    }
                },
                e -> message.set("Could not list sessions: " + e.getMessage()));
    }

    /** Shows one conversation: searches the store for its id and selects it once found. */
    public void openConversation(String conversationId) {
        opening = Optional.of(conversationId);
        if (search.get().equals(conversationId)) {
            loadSessions();
        } else {
            search.set(conversationId);
        }
    }

    /** New calls arrived: refresh the list (at most every two seconds) so Replay follows the proxy live. */
    public void onEvents(List<EngineEvent> batch) {
        if (batch.stream().anyMatch(EngineEvent.CallCompleted.class::isInstance)
                && refresh.getStatus() != javafx.animation.Animation.Status.RUNNING) {
            refresh.playFromStart();
        }
    }

    private Map<String, List<TranscriptTurn>> withRecorded(Map<String, List<TranscriptTurn>> importedTurns)
            throws IOException {
        Map<String, List<TranscriptTurn>> all = new HashMap<>();
        if (transcriptFolder.isPresent()) {
            all.putAll(TranscriptImporter.readFolder(transcriptFolder.get()));
        }
        importedTurns.forEach((id, turns) -> all.merge(id, turns, (a, b) -> {
            List<TranscriptTurn> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        }));
        return all;
    }

    private static Map<String, List<TranscriptTurn>> copy(Map<String, List<TranscriptTurn>> turns) {
        Map<String, List<TranscriptTurn>> out = new HashMap<>();
        turns.forEach((id, list) -> out.put(id, List.copyOf(list)));
        return out;
    }

    /** One refresh's sessions and the transcripts they were built with. */
    private record Listing(List<SessionSummary> sessions, Map<String, List<TranscriptTurn>> turns) {}

    /** Reads a JSONL transcript file and merges its turns into the conversations. */
    public void importTranscript(Path file) {
        background.run(
                () -> TranscriptImporter.read(file),
                result -> {
                    for (TranscriptTurn t : result.turns()) {
                        imported.computeIfAbsent(t.conversationId(), k -> new ArrayList<>())
                                .add(t);
                    }
                    message.set("Imported " + result.turns().size() + " turns from " + file.getFileName()
                            + (result.problems().isEmpty()
                                    ? ""
                                    : "; skipped " + result.problems().size() + " bad lines ("
                                            + result.problems().get(0) + ")"));
                    loadSessions();
                },
                e -> message.set("Could not read " + file.getFileName() + ": "
                        + (e instanceof IOException io ? io.getMessage() : e)));
    }

    public void stepForward() {
        timeline.stepForward();
    }

    public void stepBack() {
        timeline.stepBack();
    }

    /** Moves to the next blocked call after the current position (wrapping to the first). */
    public void nextBlocked() {
        if (!timeline.nextBlocked()) {
            message.set("No blocked calls in this session.");
        }
    }

    /** Plays from the current position, waiting the recorded gaps divided by {@code speed} (gaps capped at 2 s). */
    public void play(double speed) {
        timeline.play(speed);
    }

    public void pause() {
        timeline.pause();
    }

    /** Loads a session's steps; a refresh of the one being watched keeps the position (and playback). */
    private void loadTimeline(SessionSummary s, boolean refreshing) {
        if (!refreshing) {
            pause();
        }
        if (s == null) {
            timeline.entries().clear();
            timeline.position().set(-1);
            return;
        }
        List<TranscriptTurn> turns = s.kind() == SessionSummary.Kind.CONVERSATION
                ? List.copyOf(transcripts.getOrDefault(s.id(), List.of()))
                : List.of();
        timelineQueries.run(
                () -> {
                    AuditQuery.Builder q = AuditQuery.builder().limit(MAX_CALLS_PER_SESSION);
                    if (s.kind() == SessionSummary.Kind.CONVERSATION) {
                        q.conversation(s.id());
                    } else {
                        q.session(s.id());
                    }
                    return merge(turns, store.query(q.build()));
                },
                merged -> {
                    int keep = timeline.position().get();
                    timeline.entries().setAll(merged);
                    int at = merged.isEmpty() ? -1 : refreshing ? Math.min(Math.max(keep, 0), merged.size() - 1) : 0;
                    Optional<Integer> resent = showCall.flatMap(id -> indexOfCall(merged, id));
                    timeline.position().set(resent.orElse(at));
                    if (resent.isPresent()) {
                        // The status line keeps the re-send's summary.
                        showCall = Optional.empty();
                    } else {
                        message.set(merged.size() + " steps");
                    }
                },
                e -> message.set("Could not load the session: " + e.getMessage()));
    }

    private static Optional<Integer> indexOfCall(List<TimelineEntry> entries, long recordId) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) instanceof TimelineEntry.Call call
                    && call.record().id() == recordId) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** Turns and calls of one conversation on one time line (see {@link TimelineMerge}). */
    static List<TimelineEntry> merge(List<TranscriptTurn> turns, List<AuditRecord> calls) {
        return TimelineMerge.merge(turns, calls);
    }
}
