package dev.tollgate.ui.live;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.Latest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.prefs.Preferences;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The live timeline: a bounded window of recent calls (live events appended in batches), the filter,
 * paging back through the store by id, and the selected call. FX thread only.
 */
public final class LiveViewModel {
    /** The in-memory window; older rows are paged in from the store on request, never all loaded. */
    public static final int MAX_ROWS = 5_000;

    public static final int PAGE = 200;
    /** Rows are dropped from the front in chunks: each removal re-lays the table out, so it should be rare. */
    private static final int TRIM_CHUNK = 1_000;

    private static final String SAVED_KEY = "savedFilters";
    private static final String SEPARATOR = "\u001f";

    private final AuditStore store;
    private final Latest queries;
    private final Latest counts;
    /** Stored calls the filter matches; -1 while unknown. */
    private long matched = -1;

    private final Preferences prefs;
    private final ObservableList<AuditRecord> rows = FXCollections.observableArrayList();
    private final ObservableList<String> savedFilters = FXCollections.observableArrayList();
    private final StringProperty filterText = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper filterError = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper moreOlder = new ReadOnlyBooleanWrapper(true);
    private final BooleanProperty autoScroll = new SimpleBooleanProperty(true);
    private final ObjectProperty<AuditRecord> selected = new SimpleObjectProperty<>();
    private OptionalLong selectAfterLoad = OptionalLong.empty();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private CallFilter filter = CallFilter.NONE;
    private final List<AuditRecord> heldWhileLoading = new ArrayList<>();
    private Runnable scrollToSelected = () -> {};

    public LiveViewModel(AuditStore store, Background background, Preferences prefs) {
        this.store = store;
        this.queries = new Latest(background);
        this.counts = new Latest(background);
        this.prefs = prefs;
        String saved = prefs.get(SAVED_KEY, "");
        if (!saved.isEmpty()) {
            savedFilters.setAll(List.of(saved.split(SEPARATOR)));
        }
    }

    public ObservableList<AuditRecord> rows() {
        return rows;
    }

    public ObservableList<String> savedFilters() {
        return savedFilters;
    }

    public StringProperty filterTextProperty() {
        return filterText;
    }

    public ReadOnlyStringProperty filterErrorProperty() {
        return filterError.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty moreOlderProperty() {
        return moreOlder.getReadOnlyProperty();
    }

    public BooleanProperty autoScrollProperty() {
        return autoScroll;
    }

    public ObjectProperty<AuditRecord> selectedProperty() {
        return selected;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The view registers how to bring the selected row into sight after a jump. */
    public void onScrollToSelected(Runnable action) {
        this.scrollToSelected = action;
    }

    /** Parses the filter text and reloads the newest page of matching records from the store. */
    public void applyFilter() {
        try {
            filter = FilterParser.parse(filterText.get());
            filterError.set("");
        } catch (FilterSyntaxException e) {
            filterError.set(e.getMessage() + " (at " + (e.position() + 1) + ")");
            return;
        }
        reload();
    }

    /** Shows the calls a filter matches (an incident's window) and selects {@code select} among them when present. */
    public void showFiltered(String filterText, OptionalLong select) {
        autoScroll.set(false);
        this.filterText.set(filterText);
        selectAfterLoad = select;
        applyFilter();
    }

    /** Loads the newest page matching the current filter. */
    public void reload() {
        CallFilter f = filter;
        loading.set(true);
        heldWhileLoading.clear();
        countMatches(f);
        queries.run(
                () -> newestPage(f, Optional.empty()),
                page -> {
                    List<AuditRecord> ascending = new ArrayList<>(page);
                    Collections.reverse(ascending);
                    long maxId = ascending.isEmpty()
                            ? Long.MIN_VALUE
                            : ascending.get(ascending.size() - 1).id();
                    for (AuditRecord held : heldWhileLoading) {
                        if (held.id() > maxId) {
                            ascending.add(held);
                        }
                    }
                    heldWhileLoading.clear();
                    rows.setAll(ascending);
                    OptionalLong wanted = selectAfterLoad;
                    selectAfterLoad = OptionalLong.empty();
                    if (wanted.isPresent()) {
                        ascending.stream()
                                .filter(r -> r.id() == wanted.getAsLong())
                                .findFirst()
                                .ifPresent(selected::set);
                        scrollToSelected.run();
                    } else if (selected.get() != null && !ascending.contains(selected.get())) {
                        // The detail pane shows the selected row or nothing, never a call the filter hides.
                        selected.set(null);
                    }
                    moreOlder.set(page.size() >= PAGE);
                    loading.set(false);
                    updateStatus();
                },
                this::failed);
    }

    /** Pages one screen of older matching records in from the store (by id, never a full load). */
    public void loadOlder() {
        if (rows.isEmpty() || loading.get()) {
            return;
        }
        long oldest = rows.get(0).id();
        CallFilter f = filter;
        loading.set(true);
        queries.run(
                () -> newestPage(f, Optional.of(oldest)),
                page -> {
                    List<AuditRecord> ascending = new ArrayList<>(page);
                    Collections.reverse(ascending);
                    autoScroll.set(false);
                    rows.addAll(0, ascending);
                    if (rows.size() > MAX_ROWS) {
                        rows.remove(MAX_ROWS, rows.size());
                    }
                    moreOlder.set(page.size() >= PAGE);
                    loading.set(false);
                    updateStatus();
                },
                this::failed);
    }

    /** Shows the record with this id: selects it when loaded, otherwise loads the rows around it first. */
    public void jumpTo(long id) {
        autoScroll.set(false);
        for (AuditRecord r : rows) {
            if (r.id() == id) {
                selected.set(r);
                scrollToSelected.run();
                return;
            }
        }
        filterText.set("");
        filter = CallFilter.NONE;
        matched = -1;
        filterError.set("");
        loading.set(true);
        queries.run(
                () -> {
                    List<AuditRecord> around = new ArrayList<>(store.query(AuditQuery.builder()
                            .beforeId(id + 1)
                            .newestFirst(true)
                            .limit(PAGE)
                            .build()));
                    Collections.reverse(around);
                    around.addAll(store.query(
                            AuditQuery.builder().afterId(id).limit(PAGE).build()));
                    around.sort(Comparator.comparingLong(AuditRecord::id));
                    return around;
                },
                around -> {
                    rows.setAll(around);
                    moreOlder.set(true);
                    loading.set(false);
                    around.stream().filter(r -> r.id() == id).findFirst().ifPresent(selected::set);
                    updateStatus();
                    scrollToSelected.run();
                },
                this::failed);
    }

    /** Appends the completed calls of one event batch that pass the filter. */
    public void onEvents(List<EngineEvent> batch) {
        List<AuditRecord> matching = new ArrayList<>();
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.CallCompleted done && filter.test(done.record())) {
                matching.add(done.record());
            }
        }
        if (matching.isEmpty()) {
            return;
        }
        if (loading.get()) {
            heldWhileLoading.addAll(matching);
            return;
        }
        if (rows.size() + matching.size() > MAX_ROWS + TRIM_CHUNK) {
            int keep = Math.max(0, MAX_ROWS - matching.size());
            List<AuditRecord> next = new ArrayList<>(MAX_ROWS);
            next.addAll(rows.subList(rows.size() - Math.min(keep, rows.size()), rows.size()));
            next.addAll(matching.subList(Math.max(0, matching.size() - MAX_ROWS), matching.size()));
            AuditRecord keepSelected = selected.get();
            rows.setAll(next);
            moreOlder.set(true);
            if (keepSelected != null && next.contains(keepSelected)) {
                selected.set(null);
                selected.set(keepSelected);
            }
        } else {
            rows.addAll(matching);
        }
        if (matched >= 0) {
            matched += matching.size();
        }
        updateStatus();
    }

    public void saveCurrentFilter() {
        String text = filterText.get().trim();
        if (text.isEmpty() || savedFilters.contains(text)) {
            return;
        }
        savedFilters.add(text);
        prefs.put(SAVED_KEY, String.join(SEPARATOR, savedFilters));
    }

    public void removeSavedFilter(String text) {
        savedFilters.remove(text);
        prefs.put(SAVED_KEY, String.join(SEPARATOR, savedFilters));
    }

    private List<AuditRecord> newestPage(CallFilter f, Optional<Long> beforeId) {
        List<AuditRecord> out = new ArrayList<>();
        Optional<Long> cursor = beforeId;
        // Filters the store cannot evaluate (globs, latency) are re-checked here, so a page may need a few queries.
        for (int round = 0; round < 20 && out.size() < PAGE; round++) {
            AuditQuery.Builder q = f.toQuery().newestFirst(true).limit(PAGE);
            cursor.ifPresent(q::beforeId);
            List<AuditRecord> page = store.query(q.build());
            for (AuditRecord r : page) {
                if (f.test(r)) {
                    out.add(r);
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            cursor = Optional.of(page.get(page.size() - 1).id());
        }
        return out;
    }

    private void failed(Throwable e) {
        loading.set(false);
        status.set("Audit store query failed: " + e.getMessage());
    }

    private void updateStatus() {
        if (filter.isEmpty() || matched < 0) {
            status.set(rows.size() + " calls shown" + (filter.isEmpty() ? "" : " (filtered)"));
        } else {
            status.set(String.format(
                    Locale.ROOT,
                    "%,d calls match%s; %,d shown",
                    matched,
                    filter.exactInStore() ? "" : " at most",
                    rows.size()));
        }
    }

    /** Counts every stored call the filter matches (not just the loaded page), in the background. */
    private void countMatches(CallFilter f) {
        matched = -1;
        if (f.isEmpty()) {
            return;
        }
        counts.run(
                () -> store.count(f.toQuery().limit(Integer.MAX_VALUE).build()),
                n -> {
                    if (f == filter) {
                        matched = n;
                        updateStatus();
                    }
                },
                e -> matched = -1);
    }
}
