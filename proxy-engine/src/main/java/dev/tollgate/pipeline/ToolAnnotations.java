package dev.tollgate.pipeline;

import java.util.Optional;

/** The MCP tool annotations an upstream declares; absent hints keep the spec's defaults. */
public record ToolAnnotations(
        Optional<Boolean> readOnly,
        Optional<Boolean> destructive,
        Optional<Boolean> idempotent,
        Optional<Boolean> openWorld) {
    public static final ToolAnnotations NONE =
            new ToolAnnotations(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** readOnlyHint defaults to false in the MCP spec. */
    public boolean isReadOnly() {
        return readOnly.orElse(false);
    }

    /** destructiveHint defaults to true, but is only meaningful when the tool is not read-only. */
    public boolean isDestructive() {
        return !isReadOnly() && destructive.orElse(true);
    }

    public boolean isIdempotent() {
        return idempotent.orElse(false);
    }

    public boolean isOpenWorld() {
        return openWorld.orElse(true);
    }
}
