package dev.tollgate.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins and which {@code Host} names may reach the endpoint, against DNS rebinding (a web page
 * whose name resolves to 127.0.0.1 sends its own name as {@code Host} and, when scripted, its own
 * {@code Origin}). Origins: loopback origins on any port, plus {@code allowedOrigins}; requests without an
 * Origin header (non-browser agents) pass. Hosts: on a loopback listener only loopback names and
 * {@code allowedHosts} (any port); on another listener {@code allowedHosts} when configured, else any.
 */
public final class OriginPolicy {
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final List<String> allowed;
    private final Set<String> allowedHosts;
    private final boolean checkHosts;

    /** Origins only, as on a loopback listener with no extra host names. */
    public OriginPolicy(List<String> allowedOrigins) {
        this(allowedOrigins, List.of(), true);
    }

    /**
     * @param allowedHosts host names (without port) accepted in {@code Host} besides the loopback names
     * @param loopbackListener whether Tollgate listens on a loopback address, where {@code Host} is always checked
     */
    public OriginPolicy(List<String> allowedOrigins, List<String> allowedHosts, boolean loopbackListener) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalise).toList();
        this.allowedHosts = Set.copyOf(allowedHosts.stream()
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .toList());
        this.checkHosts = loopbackListener || !allowedHosts.isEmpty();
    }

    /** Whether a listen address is a loopback one (the desktop default), where the Host check is on. */
    public static boolean isLoopback(String listenHost) {
        String h = listenHost.trim().toLowerCase(Locale.ROOT);
        return LOOPBACK_HOSTS.contains(h) || h.startsWith("127.");
    }

    public boolean permits(String origin) {
        if (origin == null) {
            return true;
        }
        String normalised = normalise(origin);
        if (allowed.contains(normalised)) {
            return true;
        }
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            return scheme != null
                    && host != null
                    && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT))
                    && (uri.getPath() == null || uri.getPath().isEmpty());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Whether a request with this {@code Host} header (name and optional port) may reach the endpoint. */
    public boolean permitsHost(String hostHeader) {
        if (!checkHosts) {
            return true;
        }
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String name = hostName(hostHeader.trim().toLowerCase(Locale.ROOT));
        return LOOPBACK_HOSTS.contains(name) || allowedHosts.contains(name);
    }

    /** The name part of {@code name[:port]} or {@code [v6]:port}. */
    private static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
