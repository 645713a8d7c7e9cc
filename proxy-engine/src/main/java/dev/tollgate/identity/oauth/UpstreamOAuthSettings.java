package dev.tollgate.identity.oauth;

import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.SourceMap;
import dev.tollgate.config.TollgateConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * How Tollgate obtains a token for one upstream ({@code servers.X.auth} and {@code servers.X.oauth}): per
 * user by the authorization code flow, or for itself by client credentials. The authorization server is
 * configured ({@code issuer}/{@code tokenUrl}) or discovered from the upstream's RFC 9728 metadata.
 * {@code userClaim} names the claim of the issued token that must equal the Tollgate user's subject, so a
 * authorization link completed by someone else's sign-in is refused.
 */
public record UpstreamOAuthSettings(
        String server,
        Mode mode,
        URI resource,
        Optional<String> issuer,
        Optional<URI> tokenUrl,
        Optional<String> clientId,
        Optional<String> clientSecret,
        List<String> scopes,
        Optional<String> userClaim) {

    /** Whose token the upstream sees. */
    public enum Mode {
        USER,
        CLIENT_CREDENTIALS
    }

    public UpstreamOAuthSettings {
        scopes = List.copyOf(scopes);
    }

    /** The servers of the config that use OAuth, by name. */
    public static Map<String, UpstreamOAuthSettings> from(TollgateConfig config) {
        Map<String, UpstreamOAuthSettings> out = new LinkedHashMap<>();
        SourceMap lines = config.sourceMap();
        for (ServerConfig server : config.servers().values()) {
            JsonNode raw = server.raw() == null ? tools.jackson.databind.node.MissingNode.getInstance() : server.raw();
            JsonNode auth = raw.path("auth");
            String p = "/servers/" + server.name();
            if (auth.isMissingNode() || auth.isNull()) {
                continue;
            }
            Mode mode = switch (auth.asString().toLowerCase(Locale.ROOT)) {
                case "oauth" -> Mode.USER;
                case "client_credentials" -> Mode.CLIENT_CREDENTIALS;
                default ->
                    throw lines.error(
                            p + "/auth", "auth must be 'oauth' or 'client_credentials', got '" + auth.asString() + "'");
            };
            if (server.url().isEmpty()) {
                throw lines.error(
                        p + "/auth", "auth: " + auth.asString() + " needs an HTTP server (url), not a command");
            }
            JsonNode o = raw.path("oauth");
            String op = p + "/oauth";
            Optional<String> issuer = text(o, "issuer");
            Optional<URI> tokenUrl = text(o, "tokenUrl").map(u -> url(u, op + "/tokenUrl", lines));
            Optional<String> clientId = text(o, "clientId");
            if (mode == Mode.CLIENT_CREDENTIALS) {
                if (clientId.isEmpty() || text(o, "clientSecret").isEmpty()) {
                    throw lines.error(op, "auth: client_credentials needs oauth.clientId and oauth.clientSecret");
                }
            }
            List<String> scopes = new ArrayList<>();
            o.path("scopes").forEach(s -> scopes.add(s.asString()));
            URI resource = text(o, "resource")
                    .map(u -> url(u, op + "/resource", lines))
                    .orElse(url(server.url().get(), p + "/url", lines));
            out.put(
                    server.name(),
                    new UpstreamOAuthSettings(
                            server.name(),
                            mode,
                            resource,
                            issuer,
                            tokenUrl,
                            clientId,
                            text(o, "clientSecret"),
                            scopes,
                            text(o, "userClaim")));
        }
        return out;
    }

    private static URI url(String text, String pointer, SourceMap lines) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw lines.error(pointer, "expected an http(s) URL, got '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw lines.error(pointer, "expected a URL, got '" + text + "'");
        }
    }

    private static Optional<String> text(JsonNode node, String key) {
        JsonNode v = node.path(key);
        return v.isString() && !v.asString().isBlank() ? Optional.of(v.asString()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "UpstreamOAuthSettings[" + server + ", " + mode + ", resource=" + resource + ", issuer=" + issuer
                + ", clientId=" + clientId + ", clientSecret=" + (clientSecret.isPresent() ? "***" : "none") + "]";
    }
}
