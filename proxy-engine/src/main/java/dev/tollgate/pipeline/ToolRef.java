package dev.tollgate.pipeline;

import java.util.Objects;

/** A tool addressed the way policy addresses it: {@code server.tool}. */
public record ToolRef(String server, String tool) {
    public ToolRef {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(tool, "tool");
    }

    /** The policy-facing name, e.g. {@code payments.issueRefund}. */
    public String qualified() {
        return server + "." + tool;
    }

    /** Parses {@code server.tool}; the first dot separates, tool names may contain more dots. */
    public static ToolRef parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("expected server.tool but got '" + qualified + "'");
        }
        return new ToolRef(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    @Override
    public String toString() {
        return qualified();
    }
}
