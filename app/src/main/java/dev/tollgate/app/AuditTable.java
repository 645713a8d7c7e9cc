package dev.tollgate.app;

import dev.tollgate.audit.AuditRecord;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human table of {@code audit query}: fixed columns, widths fitted to the rows. */
final class AuditTable {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final String[] HEADERS = {
        "ID", "TIME (UTC)", "AGENT", "USER", "TOOL", "DECISION", "STATUS", "LATENCY", "RULE"
    };
    private static final boolean[] RIGHT_ALIGNED = {true, false, false, false, false, false, false, true, false};

    private AuditTable() {}

    /** Prints the rows, then {@code footer} (how many records, and whether more matched). */
    static void print(PrintWriter out, List<AuditRecord> records, String footer) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (AuditRecord r : records) {
            rows.add(new String[] {
                Long.toString(r.id()),
                TIME.format(r.timestamp()),
                r.agentId(),
                r.user().orElse("-"),
                r.qualifiedTool(),
                r.decision(),
                // The JSON keeps the contract's status; a person reading the table sees a blocked call never ran.
                r.blocked() ? "-" : r.status(),
                String.format(Locale.ROOT, "%.1f ms", r.latencyMs()),
                clip(r.rule(), 48)
            });
        }
        int[] widths = new int[HEADERS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(widths[i] - row[i].length());
                line.append(RIGHT_ALIGNED[i] ? pad + row[i] : row[i] + pad);
            }
            out.println(line.toString().stripTrailing());
        }
        out.println(footer);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
