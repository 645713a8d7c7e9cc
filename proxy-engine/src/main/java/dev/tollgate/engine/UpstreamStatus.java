package dev.tollgate.engine;

/** One upstream server as the UI shows it: how it is reached, whether it is up, and its tool count. */
public record UpstreamStatus(String server, String transport, String state, String detail, int toolCount) {}
