package dev.tollgate.ui;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditRecord;
import dev.tollgate.engine.Engine;
import dev.tollgate.ui.export.Exporter;
import dev.tollgate.ui.fx.Background;
import dev.tollgate.ui.fx.NoticeArea;
import dev.tollgate.ui.replay.ReplayViewModel;
import dev.tollgate.ui.replay.SessionSummary;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.prefs.Preferences;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.stage.FileChooser;
import javafx.util.Duration;

/** The window's file work: opening another audit store read-only, and exporting calls or a session. */
final class ShellFiles {
    private final Parent root;
    private final Engine engine;
    private final Background background;
    private final Preferences prefs;
    private final NoticeArea notices;
    private Function<String, Engine> storeOpener = DesktopApp::openStore;

    ShellFiles(Parent root, Engine engine, Background background, Preferences prefs, NoticeArea notices) {
        this.root = root;
        this.engine = engine;
        this.background = background;
        this.prefs = prefs;
        this.notices = notices;
    }

    void setStoreOpener(Function<String, Engine> opener) {
        this.storeOpener = opener;
    }

    /** File → Open audit store…: any H2 store, read-only, in a second window. */
    void openStore() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open audit store");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("H2 audit store", "*.mv.db"));
        File file = chooser.showOpenDialog(root.getScene().getWindow());
        if (file == null) {
            return;
        }
        String path = file.getAbsolutePath().replaceFirst("\\.mv\\.db$", "");
        DesktopApp.openReadOnlyWindow(storeOpener, "jdbc:h2:file:" + path, prefs);
    }

    void exportCalls(List<AuditRecord> selected) {
        if (selected.isEmpty()) {
            return;
        }
        chooseExportFile("calls").ifPresent(file -> writeExport(() -> selected, file));
    }

    void exportSession(SessionSummary session) {
        chooseExportFile(session.id())
                .ifPresent(file -> writeExport(
                        () -> {
                            AuditQuery.Builder q = AuditQuery.builder().limit(ReplayViewModel.MAX_CALLS_PER_SESSION);
                            if (session.kind() == SessionSummary.Kind.CONVERSATION) {
                                q.conversation(session.id());
                            } else {
                                q.session(session.id());
                            }
                            return engine.audit().query(q.build());
                        },
                        file));
    }

    private Optional<Path> chooseExportFile(String name) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export calls");
        chooser.setInitialFileName(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
        chooser.getExtensionFilters()
                .addAll(
                        new FileChooser.ExtensionFilter("JSON Lines", "*.jsonl"),
                        new FileChooser.ExtensionFilter("CSV", "*.csv"));
        File file = chooser.showSaveDialog(root.getScene().getWindow());
        return Optional.ofNullable(file).map(File::toPath);
    }

    private void writeExport(Callable<List<AuditRecord>> records, Path file) {
        background.run(
                () -> {
                    List<AuditRecord> list = records.call();
                    if (file.toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                        Exporter.writeCsv(list, file);
                    } else {
                        Exporter.writeJsonl(list, file);
                    }
                    return list.size();
                },
                n -> notices.showFor(
                        NoticeArea.Kind.INFO,
                        "Export",
                        new SimpleStringProperty(n + " calls written to " + file.getFileName()),
                        "OK",
                        () -> {},
                        Duration.seconds(6)),
                e -> new Alert(Alert.AlertType.ERROR, "Export failed: " + e.getMessage()).show());
    }
}
