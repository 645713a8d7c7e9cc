package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.gateway.ModernProtocol;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which MCP era Tollgate speaks to an upstream, per its {@code protocol} setting: {@code auto} (the default)
 * asks {@code server/discover} first, then runs the 2025 {@code initialize} handshake as well, keeping whichever
 * eras answer; {@code 2026-07-28} or {@code 2025-11-25} pin one era. Stdio upstreams speak the 2025 era.
 */
public final class ProtocolEras {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolEras.class);
    private static final String LEGACY = "2025-11-25";
    private static final int IDLE_SECONDS = 4;

    private ProtocolEras() {}

    /**
     * Connects in the era the setting asks for, or in each era the upstream offers: one that answers both
     * {@code server/discover} and {@code initialize} keeps a connection in each (see {@link EraRouting}).
     */
    static UpstreamConnection connect(ServerConfig config, OkHttpClient shared) throws UpstreamException {
        OkHttpClient client = shortIdle(shared);
        String setting = config.protocol();
        if (setting.equals(LEGACY)) {
            return EraRouting.legacyOnly(HttpUpstreamConnection.connect(config, client));
        }
        Optional<ModernHttpUpstreamConnection> modern = ModernHttpUpstreamConnection.discover(config, client);
        if (modern.isEmpty()) {
            if (setting.equals(ModernProtocol.VERSION)) {
                throw new UpstreamException(
                        "upstream '" + config.name() + "' does not offer protocol " + ModernProtocol.VERSION
                                + " in server/discover, and its protocol setting pins that version",
                        false,
                        null);
            }
            return EraRouting.legacyOnly(HttpUpstreamConnection.connect(config, client));
        }
        if (setting.equals(ModernProtocol.VERSION)) {
            return modern.get();
        }
        try {
            return EraRouting.both(modern.get(), HttpUpstreamConnection.connect(config, client));
        } catch (UpstreamException e) {
            LOG.info("upstream '{}' speaks {} only ({})", config.name(), ModernProtocol.VERSION, e.getMessage());
            return modern.get();
        }
    }

    /**
     * The shared client with a pool of this upstream's own whose idle connections leave before common servers
     * close theirs (Node closes after 5 s): a request sent on a connection the server already closed fails,
     * and is not safe to send again.
     */
    private static OkHttpClient shortIdle(OkHttpClient shared) {
        return shared.newBuilder()
                .connectionPool(
                        new ConnectionPool(UpstreamHttpClients.MAX_IDLE_CONNECTIONS, IDLE_SECONDS, TimeUnit.SECONDS))
                .build();
    }

    /** A stdio upstream, which speaks the 2025 era. */
    static UpstreamConnection connectStdio(ServerConfig config) throws UpstreamException {
        return EraRouting.legacyOnly(StdioUpstreamConnection.connect(config));
    }
}
