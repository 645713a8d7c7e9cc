package dev.tollgate.ui.export;

import dev.tollgate.audit.AuditRecord;
import dev.tollgate.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import tools.jackson.databind.node.ObjectNode;

/** Writes calls as JSON Lines or CSV (every audit field) and charts as PNG. */
public final class Exporter {
    private static final List<String> CSV_COLUMNS = List.of(
            "id",
            "timestamp",
            "agentId",
            "sessionId",
            "user",
            "server",
            "tool",
            "decision",
            "rule",
            "ruleSource",
            "reason",
            "status",
            "latencyMs",
            "responseSize",
            "conversationId",
            "arguments",
            "result",
            "prevHash",
            "hash");

    private Exporter() {}

    public static ObjectNode toJson(AuditRecord r) {
        ObjectNode o = Json.object();
        o.put("id", r.id());
        o.put("timestamp", r.timestamp().toString());
        o.put("agentId", r.agentId());
        o.put("sessionId", r.sessionId());
        r.user().ifPresentOrElse(u -> o.put("user", u), () -> o.putNull("user"));
        o.put("server", r.server());
        o.put("tool", r.tool());
        o.set("arguments", r.arguments());
        o.put("decision", r.decision());
        o.put("rule", r.rule());
        r.ruleSource().ifPresentOrElse(s -> o.put("ruleSource", s), () -> o.putNull("ruleSource"));
        o.put("reason", r.reason());
        o.put("status", r.status());
        o.put("latencyMs", r.latencyMs());
        o.put("responseSize", r.responseSize());
        r.conversationId().ifPresentOrElse(c -> o.put("conversationId", c), () -> o.putNull("conversationId"));
        r.result().ifPresentOrElse(res -> o.set("result", res), () -> o.putNull("result"));
        o.put("prevHash", r.prevHash());
        o.put("hash", r.hash());
        return o;
    }

    public static void writeJsonl(List<AuditRecord> records, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (AuditRecord r : records) {
                out.write(Json.write(toJson(r)));
                out.write('\n');
            }
        }
    }

    public static void writeCsv(List<AuditRecord> records, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(String.join(",", CSV_COLUMNS));
            out.write("\r\n");
            for (AuditRecord r : records) {
                List<String> cells = List.of(
                        Long.toString(r.id()),
                        r.timestamp().toString(),
                        r.agentId(),
                        r.sessionId(),
                        r.user().orElse(""),
                        r.server(),
                        r.tool(),
                        r.decision(),
                        r.rule(),
                        r.ruleSource().orElse(""),
                        r.reason(),
                        r.status(),
                        String.format(Locale.ROOT, "%.3f", r.latencyMs()),
                        Long.toString(r.responseSize()),
                        r.conversationId().orElse(""),
                        Json.write(r.arguments()),
                        r.result().map(Json::write).orElse(""),
                        r.prevHash(),
                        r.hash());
                out.write(String.join(",", cells.stream().map(Exporter::csvCell).toList()));
                out.write("\r\n");
            }
        }
    }

    /** Snapshots a node (a chart) into a PNG file; FX thread. */
    public static void writePng(Node node, Path file) throws IOException {
        WritableImage image = node.snapshot(null, null);
        if (!ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    static String csvCell(String value) {
        boolean quote = value.indexOf(',') >= 0
                || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
