package dev.tollgate.identity;

import dev.tollgate.config.AgentConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Authenticates agents by the API keys of the config. Keys are kept only as SHA-256 digests and
 * compared in constant time, and every key is compared so timing does not reveal which one matched.
 */
public final class ApiKeyAuthenticator implements Authenticator {
    private record KeyEntry(byte[] digest, AgentConfig agent) {}

    private final List<KeyEntry> keys = new ArrayList<>();

    public ApiKeyAuthenticator(Collection<AgentConfig> agents) {
        for (AgentConfig agent : agents) {
            for (String key : agent.keys()) {
                if (!key.isBlank()) {
                    keys.add(new KeyEntry(sha256(key), agent));
                }
            }
        }
    }

    @Override
    public AuthResult authenticate(Credentials credentials) {
        if (credentials.bearer().isEmpty()) {
            return new AuthResult.Refused("missing Authorization: Bearer credential");
        }
        byte[] presented = sha256(credentials.bearer().get());
        AgentConfig match = null;
        for (KeyEntry entry : keys) {
            if (MessageDigest.isEqual(entry.digest(), presented) && match == null) {
                match = entry.agent();
            }
        }
        if (match == null) {
            return new AuthResult.Refused("unknown agent key");
        }
        return new AuthResult.Authenticated(new AgentIdentity(match.id(), match.roles(), "api-key"));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
