package dev.tollgate.upstream;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.gateway.ModernProtocol;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Which MCP era Tollgate speaks to an HTTP upstream, per its {@code protocol} setting: {@code auto} (the default)
 * asks {@code server/discover} first and falls back to the 2025 {@code initialize} handshake when the upstream
 * does not offer 2026-07-28; {@code 2026-07-28} or {@code 2025-11-25} pin one era without probing.
 */
public final class ProtocolEras {
    private static final String LEGACY = "2025-11-25";

    private ProtocolEras() {}

    /** Connects in the era the setting asks for, or the one the upstream offers. */
    static UpstreamConnection connect(ServerConfig config, OkHttpClient client) throws UpstreamException {
        String setting = config.protocol();
        if (setting.equals(LEGACY)) {
            return HttpUpstreamConnection.connect(config, client);
        }
        Optional<ModernHttpUpstreamConnection> modern = ModernHttpUpstreamConnection.discover(config, client);
        if (modern.isPresent()) {
            return modern.get();
        }
        if (setting.equals(ModernProtocol.VERSION)) {
            throw new UpstreamException("upstream '" + config.name() + "' does not offer protocol "
                    + ModernProtocol.VERSION + " in server/discover, and its protocol setting pins that version",
                    false, null);
        }
        return HttpUpstreamConnection.connect(config, client);
    }
}
