package dev.tollgate.ui.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Merges the editor's edits and an external change to the same file, both made from one base: when they
 * touch different lines of the base, the result has both; when they touch the same lines, there is no
 * merge (the user then chooses, nothing is lost silently).
 */
final class ThreeWayMerge {
    /** Base lines {@code [from, to)} replaced by {@code lines}. */
    private record Hunk(int from, int to, List<String> lines) {}

    private ThreeWayMerge() {}

    /** Both sides' changes applied to {@code base}, or empty when they overlap. */
    static Optional<String> merge(String base, String mine, String theirs) {
        List<Hunk> ours = hunks(base, mine);
        List<Hunk> other = hunks(base, theirs);
        for (Hunk a : ours) {
            for (Hunk b : other) {
                boolean same = a.equals(b);
                boolean overlap = a.from() < b.to() && b.from() < a.to()
                        || a.from() == a.to() && b.from() == b.to() && a.from() == b.from()
                        || a.from() == a.to() && b.from() < a.from() && a.from() < b.to()
                        || b.from() == b.to() && a.from() < b.from() && b.from() < a.to();
                if (overlap && !same) {
                    return Optional.empty();
                }
            }
        }
        List<Hunk> all = new ArrayList<>(ours);
        other.stream().filter(h -> !ours.contains(h)).forEach(all::add);
        all.sort(Comparator.comparingInt(Hunk::from).reversed());
        List<String> lines = new ArrayList<>(List.of(base.split("\n", -1)));
        for (Hunk h : all) {
            lines.subList(h.from(), h.to()).clear();
            lines.addAll(h.from(), h.lines());
        }
        return Optional.of(String.join("\n", lines));
    }

    private static List<Hunk> hunks(String base, String changed) {
        List<Hunk> out = new ArrayList<>();
        int at = 0;
        int from = -1;
        List<String> added = new ArrayList<>();
        for (LineDiff.Line line : LineDiff.diff(base, changed)) {
            if (line.kind() == LineDiff.Kind.SAME) {
                if (from >= 0) {
                    out.add(new Hunk(from, at, List.copyOf(added)));
                    from = -1;
                    added.clear();
                }
                at++;
                continue;
            }
            if (from < 0) {
                from = at;
            }
            if (line.kind() == LineDiff.Kind.REMOVED) {
                at++;
            } else {
                added.add(line.text());
            }
        }
        if (from >= 0) {
            out.add(new Hunk(from, at, List.copyOf(added)));
        }
        return out;
    }
}
