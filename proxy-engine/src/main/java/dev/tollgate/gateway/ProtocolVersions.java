package dev.tollgate.gateway;

import java.util.List;

/** The MCP protocol revisions Tollgate speaks to agents, and how one is chosen in {@code initialize}. */
public final class ProtocolVersions {
    public static final String V2025_03_26 = "2025-03-26";
    public static final String V2025_06_18 = "2025-06-18";
    public static final String V2025_11_25 = "2025-11-25";
    /** Newest first. */
    public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26);

    public static final String LATEST = V2025_11_25;
    /** What the Streamable HTTP spec says to assume when a request names no version. */
    public static final String ASSUMED_WITHOUT_HEADER = V2025_03_26;

    private ProtocolVersions() {}

    public static boolean isSupported(String version) {
        return SUPPORTED.contains(version);
    }

    /** The client's version when Tollgate speaks it, else the latest (the client then decides whether to go on). */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : LATEST;
    }

    /** JSON-RPC batches exist only in the 2025-03-26 revision; later revisions removed them. */
    public static boolean allowsBatches(String version) {
        return V2025_03_26.equals(version);
    }
}
