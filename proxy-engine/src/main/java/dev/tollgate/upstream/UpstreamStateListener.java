package dev.tollgate.upstream;

/** Hears an upstream connection change state; {@code detail} says why (never contains secrets). */
@FunctionalInterface
public interface UpstreamStateListener {
    void stateChanged(String server, UpstreamState state, String detail);
}
