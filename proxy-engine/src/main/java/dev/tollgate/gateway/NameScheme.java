package dev.tollgate.gateway;

import dev.tollgate.pipeline.ToolRef;
import java.util.Collection;
import java.util.Optional;

/**
 * How aggregated names route back to their server. Tools and prompts are named {@code server + separator +
 * name} (separator {@code __} by default); when server names overlap the longest matching server wins.
 * Resource URIs become {@code tollgate://server/} followed by the upstream's URI unchanged, so URI templates
 * keep their {@code {variables}} and an expanded template still routes.
 */
public final class NameScheme {
    public static final String RESOURCE_PREFIX = "tollgate://";

    private final String separator;

    public NameScheme(String separator) {
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("the tool name separator must not be empty");
        }
        this.separator = separator;
    }

    public String separator() {
        return separator;
    }

    public String name(String server, String upstreamName) {
        return server + separator + upstreamName;
    }

    /** The server and upstream name an aggregated name stands for, if it starts with a known server. */
    public Optional<ToolRef> parse(String name, Collection<String> servers) {
        String best = null;
        for (String server : servers) {
            String prefix = server + separator;
            if (name.startsWith(prefix) && name.length() > prefix.length()
                    && (best == null || server.length() > best.length())) {
                best = server;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new ToolRef(best, name.substring(best.length() + separator.length())));
    }

    /** The best guess at what an unroutable name meant, for the audit record of a blocked call. */
    public ToolRef guess(String name) {
        int at = name.indexOf(separator);
        if (at > 0 && at + separator.length() < name.length()) {
            return new ToolRef(name.substring(0, at), name.substring(at + separator.length()));
        }
        return new ToolRef("", name);
    }

    public String uri(String server, String upstreamUri) {
        return RESOURCE_PREFIX + server + "/" + upstreamUri;
    }

    /** Splits {@code tollgate://server/original} into the server and the upstream's own URI. */
    public Optional<ToolRef> parseUri(String uri, Collection<String> servers) {
        if (!uri.startsWith(RESOURCE_PREFIX)) {
            return Optional.empty();
        }
        String rest = uri.substring(RESOURCE_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        String server = rest.substring(0, slash);
        if (!servers.contains(server)) {
            return Optional.empty();
        }
        return Optional.of(new ToolRef(server, rest.substring(slash + 1)));
    }
}
