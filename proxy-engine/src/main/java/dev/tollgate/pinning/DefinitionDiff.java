package dev.tollgate.pinning;

import dev.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A line diff of two tool definitions as pretty JSON: {@code "- "} pinned only, {@code "+ "} offered only. */
public final class DefinitionDiff {
    private DefinitionDiff() {}

    /** Every line of both, in order, each prefixed with {@code "- "}, {@code "+ "} or two spaces. */
    public static List<String> lines(JsonNode pinned, JsonNode offered) {
        String[] a = Json.pretty(pinned).split("\n");
        String[] b = Json.pretty(offered).split("\n");
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] =
                        a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add("  " + a[i++]);
                j++;
            } else if (j < b.length && (i == a.length || common[i][j + 1] > common[i + 1][j])) {
                out.add("+ " + b[j++]);
            } else {
                out.add("- " + a[i++]);
            }
        }
        return out;
    }
}
