package dev.tollgate.ui.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.css.PseudoClass;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;

/** A diff shown by hunk: changed lines coloured (added green, removed red) with two lines of context and a header per hunk. */
final class DiffView extends ListView<String> {
    private static final int CONTEXT = 2;
    private static final PseudoClass ADDED = PseudoClass.getPseudoClass("added");
    private static final PseudoClass REMOVED = PseudoClass.getPseudoClass("removed");
    private static final PseudoClass HUNK = PseudoClass.getPseudoClass("hunk");

    /**
     * One shown line and the lines of the new text it stands for (1-based, inclusive): a changed line itself, or for a
     * hunk's header the hunk's changed lines. {@code to < from} is a place between lines (where lines were removed).
     */
    record Row(String text, int from, int to) {}

    private List<Row> rows = List.of();
    private Consumer<Row> onJump = row -> {};

    DiffView() {
        getStyleClass().addAll("diff-view", "mono");
        setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                pseudoClassStateChanged(ADDED, !empty && item != null && item.startsWith("+ "));
                pseudoClassStateChanged(REMOVED, !empty && item != null && item.startsWith("- "));
                pseudoClassStateChanged(HUNK, !empty && item != null && item.startsWith("@@"));
            }
        });
        getSelectionModel().selectedIndexProperty().addListener((o, was, now) -> {
            int i = now.intValue();
            if (i >= 0 && i < rows.size() && rows.get(i).from() > 0) {
                onJump.accept(rows.get(i));
            }
        });
    }

    /** What selecting a hunk or a line does: the editor selects those lines. */
    void setOnJump(Consumer<Row> action) {
        onJump = action;
    }

    void show(List<LineDiff.Line> diff) {
        rows = rows(diff);
        getItems().setAll(rows.stream().map(Row::text).toList());
    }

    /** The first hunk's changed lines in the new text, where Apply leaves the editor; empty without a change. */
    static Optional<Row> firstChange(List<LineDiff.Line> diff) {
        return rows(diff).stream().filter(r -> r.text().startsWith("@@")).findFirst();
    }

    /** The lines of the hunks, each led by {@code @@ line N @@} (N: the line in the new text). */
    static List<Row> rows(List<LineDiff.Line> diff) {
        List<Row> out = new ArrayList<>();
        if (!LineDiff.changed(diff)) {
            out.add(new Row("No changes against the running policy.", 0, 0));
            return out;
        }
        boolean[] shown = new boolean[diff.size()];
        for (int i = 0; i < diff.size(); i++) {
            if (diff.get(i).kind() != LineDiff.Kind.SAME) {
                for (int k = Math.max(0, i - CONTEXT); k <= Math.min(diff.size() - 1, i + CONTEXT); k++) {
                    shown[k] = true;
                }
            }
        }
        int newLine = 0;
        int header = -1;
        for (int i = 0; i < diff.size(); i++) {
            LineDiff.Line line = diff.get(i);
            if (line.kind() != LineDiff.Kind.REMOVED) {
                newLine++;
            }
            if (!shown[i]) {
                header = -1;
                continue;
            }
            if (header < 0) {
                header = out.size();
                int at = Math.max(1, line.kind() == LineDiff.Kind.REMOVED ? newLine + 1 : newLine);
                out.add(new Row("@@ line " + at + " @@", 0, 0));
            }
            Row row = switch (line.kind()) {
                case ADDED -> new Row(line.toString(), newLine, newLine);
                case REMOVED -> new Row(line.toString(), newLine + 1, newLine);
                case SAME -> new Row(line.toString(), newLine, newLine);
            };
            out.add(row);
            if (line.kind() != LineDiff.Kind.SAME) {
                Row h = out.get(header);
                out.set(
                        header,
                        h.from() == 0
                                ? new Row(h.text(), row.from(), row.to())
                                : new Row(h.text(), Math.min(h.from(), row.from()), Math.max(h.to(), row.to())));
            }
        }
        return out;
    }
}
