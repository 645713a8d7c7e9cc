package dev.tollgate.gateway;

import dev.tollgate.pipeline.ToolRef;
import java.util.Collection;
import java.util.Optional;

/**
 * How aggregated names route back to their server. Tools and prompts are named {@code server + separator +
 * name} (separator {@code __} by default); when server names overlap the longest matching server wins.
 * Resource URIs become {@code tollgate://server/} followed by the upstream's URI unchanged, so URI templates
 * keep their {@code {variables}} and an expanded template still routes. Servers configured with
 * {@code namespace: false} keep their own names and URIs.
 */
public final class NameScheme {
    public static final String RESOURCE_PREFIX = "tollgate://";

    private final String separator;
    private final TransparentServers transparent;

    /**
     * The servers exposed with their own names ({@code namespace: false}): their tools and prompts keep their
     * names and their resources their URIs, so routing back asks which of them offers the name or URI.
     */
    public interface TransparentServers {
        TransparentServers NONE = new TransparentServers() {
            @Override
            public boolean isTransparent(String server) {
                return false;
            }

            @Override
            public Optional<String> ownerOfName(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<String> ownerOfUri(String uri) {
                return Optional.empty();
            }
        };

        boolean isTransparent(String server);

        /** The transparent server offering a tool or prompt of this name. */
        Optional<String> ownerOfName(String name);

        /** The transparent server a resource URI belongs to. */
        Optional<String> ownerOfUri(String uri);
    }

    public NameScheme(String separator) {
        this(separator, TransparentServers.NONE);
    }

    public NameScheme(String separator, TransparentServers transparent) {
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("the tool name separator must not be empty");
        }
        this.separator = separator;
        this.transparent = transparent;
    }

    public String separator() {
        return separator;
    }

    public String name(String server, String upstreamName) {
        return transparent.isTransparent(server) ? upstreamName : server + separator + upstreamName;
    }

    /**
     * The server and upstream name an aggregated name stands for: a known server's prefix, else the
     * transparent server that offers the name as it is.
     */
    public Optional<ToolRef> parse(String name, Collection<String> servers) {
        return parsePrefixed(name, servers)
                .or(() -> transparent.ownerOfName(name).map(server -> new ToolRef(server, name)));
    }

    private Optional<ToolRef> parsePrefixed(String name, Collection<String> servers) {
        String best = null;
        for (String server : servers) {
            if (transparent.isTransparent(server)) {
                continue;
            }
            String prefix = server + separator;
            if (name.startsWith(prefix)
                    && name.length() > prefix.length()
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
        return transparent.isTransparent(server) ? upstreamUri : RESOURCE_PREFIX + server + "/" + upstreamUri;
    }

    /**
     * Splits {@code tollgate://server/original} into the server and the upstream's own URI; any other URI
     * belongs to the transparent server it routes to, if any.
     */
    public Optional<ToolRef> parseUri(String uri, Collection<String> servers) {
        Optional<ToolRef> prefixed = parsePrefixedUri(uri, servers);
        return prefixed.isPresent() ? prefixed : transparent.ownerOfUri(uri).map(server -> new ToolRef(server, uri));
    }

    private Optional<ToolRef> parsePrefixedUri(String uri, Collection<String> servers) {
        if (!uri.startsWith(RESOURCE_PREFIX)) {
            return Optional.empty();
        }
        String rest = uri.substring(RESOURCE_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        String server = rest.substring(0, slash);
        if (!servers.contains(server) || transparent.isTransparent(server)) {
            return Optional.empty();
        }
        return Optional.of(new ToolRef(server, rest.substring(slash + 1)));
    }
}
