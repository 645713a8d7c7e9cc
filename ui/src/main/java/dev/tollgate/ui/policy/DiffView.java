package dev.tollgate.ui.policy;

import java.util.ArrayList;
import java.util.List;
import javafx.css.PseudoClass;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;

/** A diff shown by hunk: changed lines coloured (added green, removed red) with two lines of context and a header per hunk. */
final class DiffView extends ListView<String> {
    private static final int CONTEXT = 2;
    private static final PseudoClass ADDED = PseudoClass.getPseudoClass("added");
    private static final PseudoClass REMOVED = PseudoClass.getPseudoClass("removed");
    private static final PseudoClass HUNK = PseudoClass.getPseudoClass("hunk");

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
    }

    void show(List<LineDiff.Line> diff) {
        getItems().setAll(hunks(diff));
    }

    /** The lines of the hunks, each led by {@code @@ line N @@} (N: the line in the new text). */
    static List<String> hunks(List<LineDiff.Line> diff) {
        List<String> out = new ArrayList<>();
        if (!LineDiff.changed(diff)) {
            out.add("No changes against the running policy.");
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
        boolean inHunk = false;
        for (int i = 0; i < diff.size(); i++) {
            LineDiff.Line line = diff.get(i);
            if (line.kind() != LineDiff.Kind.REMOVED) {
                newLine++;
            }
            if (!shown[i]) {
                inHunk = false;
                continue;
            }
            if (!inHunk) {
                out.add("@@ line " + Math.max(1, line.kind() == LineDiff.Kind.REMOVED ? newLine + 1 : newLine) + " @@");
                inHunk = true;
            }
            out.add(line.toString());
        }
        return out;
    }
}
