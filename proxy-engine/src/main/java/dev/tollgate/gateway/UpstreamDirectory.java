package dev.tollgate.gateway;

import dev.tollgate.upstream.UpstreamConnection;
import java.util.List;
import java.util.Optional;

/** The configured upstream servers and, for those now connected, their live connection. */
public interface UpstreamDirectory {
    UpstreamDirectory NONE = new UpstreamDirectory() {
        @Override
        public List<String> servers() {
            return List.of();
        }

        @Override
        public Optional<UpstreamConnection> connection(String server) {
            return Optional.empty();
        }
    };

    /** Every configured server name, in configuration order. */
    List<String> servers();

    /** The server's connection when it is up; empty while it is down or reconnecting. */
    Optional<UpstreamConnection> connection(String server);
}
