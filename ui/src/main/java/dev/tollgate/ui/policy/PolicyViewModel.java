package dev.tollgate.ui.policy;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.config.ConfigException;
import dev.tollgate.events.EngineEvent;
import dev.tollgate.policy.PolicyControl;
import dev.tollgate.policy.PreviewReport;
import dev.tollgate.ui.HistoryRange;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.Latest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The policy editor: the candidate text, its problems (checked as you type, debounced, in the
 * background), the live preview of decisions it would change over recorded history, the diff against
 * the running policy, and applying it. Secrets are masked on screen ({@link SecretMask}). A change of the
 * file on disk is picked up: an unedited editor reloads it, an edited one offers to reload or merge, and
 * Save never writes over it.
 */
public final class PolicyViewModel {
    public static final javafx.util.Duration DEBOUNCE = javafx.util.Duration.millis(300);

    private final PolicyControl control;
    private final Latest checks;
    private final Latest previews;
    private final Background background;
    private final StringProperty text = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper running = new ReadOnlyStringWrapper("");
    private final ObservableList<ConfigException> problems = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper applying = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper previewing = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<Optional<PreviewReport>> report = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ObjectProperty<HistoryRange> range = new SimpleObjectProperty<>(HistoryRange.ALL);
    private final ObjectProperty<PreviewReport.ChangeCount> selectedCount = new SimpleObjectProperty<>();
    private final ObservableList<PreviewReport.ChangedCall> shownChanges = FXCollections.observableArrayList();
    private final BooleanProperty dirty = new SimpleBooleanProperty();
    private final SecretMask mask = new SecretMask();
    private final ReadOnlyStringWrapper external = new ReadOnlyStringWrapper("");
    /** The unmasked text this edit started from: what the file must still hold for Save to write. */
    private String base = "";

    private String pendingExternal;
    private final BooleanBinding canSave;
    private final PauseTransition debounce = new PauseTransition(DEBOUNCE);
    private Consumer<Long> showCall = id -> {};

    public PolicyViewModel(PolicyControl control, Background background) {
        this.control = control;
        this.background = background;
        this.checks = new Latest(background);
        this.previews = new Latest(background);
        canSave = Bindings.createBooleanBinding(
                () -> problems.isEmpty()
                        && !checking.get()
                        && !applying.get()
                        && dirty.get()
                        && external.get().isEmpty(),
                problems,
                checking,
                applying,
                dirty,
                external);
        debounce.setOnFinished(e -> checkNow());
        text.addListener((o, was, now) -> {
            dirty.set(!now.equals(running.get()));
            checking.set(true);
            debounce.playFromStart();
        });
        range.addListener((o, was, now) -> checkNow());
        selectedCount.addListener((o, was, now) -> refreshShownChanges());
        report.addListener((o, was, now) -> refreshShownChanges());
        background.run(
                control::currentText,
                this::take,
                e -> message.set("Could not read the running policy: " + e.getMessage()));
    }

    public StringProperty textProperty() {
        return text;
    }

    public ReadOnlyStringProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ObservableList<ConfigException> problems() {
        return problems;
    }

    public ReadOnlyBooleanProperty checkingProperty() {
        return checking.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty previewingProperty() {
        return previewing.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Optional<PreviewReport>> reportProperty() {
        return report.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ObjectProperty<HistoryRange> rangeProperty() {
        return range;
    }

    public ObjectProperty<PreviewReport.ChangeCount> selectedCountProperty() {
        return selectedCount;
    }

    public ObservableList<PreviewReport.ChangedCall> shownChanges() {
        return shownChanges;
    }

    public BooleanBinding canSaveProperty() {
        return canSave;
    }
    /** The file's new text when it changed on disk during an edit (masked); empty when there is none pending. */
    public ReadOnlyStringProperty externalChangeProperty() {
        return external.getReadOnlyProperty();
    }

    /** A reload of the file (hot reload, or another editor's save): reload an unedited editor, else offer a choice. */
    public void onEvents(List<EngineEvent> batch) {
        if (batch.stream().noneMatch(e -> e instanceof EngineEvent.PolicyReloaded r && r.applied())) {
            return;
        }
        background.run(
                control::currentText,
                current -> {
                    if (current.equals(base) || applying.get()) {
                        return;
                    }
                    if (!dirty.get()) {
                        take(current);
                        message.set("Reloaded: the file changed on disk.");
                    } else {
                        external.set(mask.mask(current));
                        pendingExternal = current;
                        message.set(
                                "The file changed on disk while you were editing. Reload it (dropping your edits) or"
                                        + " merge it with your edits; Save is off until you choose.");
                    }
                },
                e -> message.set("Could not read the running policy: " + e.getMessage()));
    }

    /** Takes the file's new text, dropping the edits. */
    public void reloadExternal() {
        if (pendingExternal != null) {
            take(pendingExternal);
            message.set("Reloaded the file's new text; your edits were dropped.");
        }
    }

    /** Combines the file's change and the edits when they touch different lines; otherwise says so and keeps both apart. */
    public void mergeExternal() {
        if (pendingExternal == null) {
            return;
        }
        String theirs = pendingExternal;
        Optional<String> merged = ThreeWayMerge.merge(base, mask.unmask(text.get()), theirs);
        if (merged.isEmpty()) {
            message.set("Your edits and the file's change touch the same lines: reload, then make your edit again.");
            return;
        }
        take(theirs);
        text.set(mask.mask(merged.get()));
        message.set("Merged the file's change with your edits. Review the diff, then Save.");
    }

    /** Makes {@code current} (unmasked) the running text and the editor's text, with no external change pending. */
    private void take(String current) {
        base = current;
        pendingExternal = null;
        external.set("");
        String shown = mask.mask(current);
        running.set(shown);
        text.set(shown);
    }

    public void setShowCall(Consumer<Long> showCall) {
        this.showCall = showCall;
    }

    public void showCall(PreviewReport.ChangedCall call) {
        showCall.accept(call.recordId());
    }

    /** The line diff between the running policy and the editor's text. */
    public List<LineDiff.Line> diff() {
        return LineDiff.diff(running.get(), text.get());
    }

    /** Puts the running policy back into the editor. */
    public void revert() {
        text.set(running.get());
    }

    /** Applies the candidate; on refusal the problem is shown and the running policy stays. */
    public void apply() {
        if (!canSave.get()) {
            return;
        }
        String shown = text.get();
        String candidate = mask.unmask(shown);
        String basedOn = base;
        applying.set(true);
        background.run(
                () -> {
                    control.apply(candidate, basedOn);
                    return candidate;
                },
                applied -> {
                    applying.set(false);
                    base = applied;
                    running.set(shown);
                    dirty.set(!text.get().equals(shown));
                    message.set("Policy applied.");
                },
                e -> {
                    applying.set(false);
                    if (e instanceof ConfigException problem) {
                        problems.setAll(problem);
                    }
                    message.set("Not applied: " + e.getMessage());
                });
    }

    private void checkNow() {
        debounce.stop();
        String candidate = mask.unmask(text.get());
        boolean edited = dirty.get();
        checking.set(true);
        checks.run(
                () -> control.check(candidate),
                found -> {
                    problems.setAll(found);
                    checking.set(false);
                    if (found.isEmpty() && !edited) {
                        // The running policy decided every recorded call already: nothing to preview, by definition.
                        report.set(Optional.of(new PreviewReport(0, 0, 0, List.of(), List.of(), Duration.ZERO)));
                    } else if (found.isEmpty()) {
                        message.set("Valid. Review the preview and the diff, then Save.");
                        previewNow(candidate);
                    } else {
                        message.set(found.size() + (found.size() == 1 ? " problem" : " problems"));
                        report.set(Optional.empty());
                    }
                },
                e -> {
                    checking.set(false);
                    message.set("Check failed: " + e.getMessage());
                });
    }

    private void previewNow(String candidate) {
        AuditQuery query = range.get().query(Instant.now()).build();
        previewing.set(true);
        previews.run(
                () -> control.preview(candidate, query),
                found -> {
                    previewing.set(false);
                    report.set(Optional.of(found));
                },
                e -> {
                    previewing.set(false);
                    message.set("Preview failed: " + e.getMessage());
                });
    }

    private void refreshShownChanges() {
        PreviewReport.ChangeCount c = selectedCount.get();
        shownChanges.setAll(report.get()
                .map(rep -> rep.changes().stream()
                        .filter(ch -> c == null
                                || (ch.agentId().equals(c.agentId())
                                        && ch.tool().equals(c.tool())))
                        .toList())
                .orElse(List.of()));
    }
}
