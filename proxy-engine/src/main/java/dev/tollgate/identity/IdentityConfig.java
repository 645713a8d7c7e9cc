package dev.tollgate.identity;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tollgate.config.Durations;
import dev.tollgate.config.SourceMap;
import dev.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code identity:} section of the config file: the resource identifier of this Tollgate, agent JWTs,
 * end-user tokens, and where per-user OAuth keeps its tokens. The {@code agents:} API keys stay where they are.
 */
public record IdentityConfig(
        String resource,
        Optional<JwtAgentSettings> jwt,
        Optional<UserTokenSettings> userToken,
        OAuthStoreSettings oauth) {

    /** Where per-user tokens are kept and how early they are refreshed; the callback is Tollgate's own URL. */
    public record OAuthStoreSettings(
            Optional<String> callbackBase,
            Optional<Path> keyFile,
            Optional<String> key,
            Optional<Path> storeFile,
            Duration refreshSkew) {
        @Override
        public String toString() {
            return "OAuthStoreSettings[callbackBase=" + callbackBase + ", keyFile=" + keyFile + ", key="
                    + (key.isPresent() ? "***" : "none") + ", storeFile=" + storeFile + "]";
        }
    }

    private static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);

    /** The base URL agents reach this Tollgate at, e.g. {@code http://127.0.0.1:7070}. */
    public static String baseUrl(TollgateConfig config) {
        return "http://" + config.listenHost() + ":" + config.listenPort();
    }

    public static IdentityConfig from(TollgateConfig config) {
        JsonNode node = config.root().path("identity");
        SourceMap lines = config.sourceMap();
        if (!node.isMissingNode() && !node.isNull() && !node.isObject()) {
            throw lines.error("/identity", "identity must be a mapping");
        }
        String resource = text(node, "resource", "/identity", lines).orElse(baseUrl(config) + "/mcp");
        Optional<JwtAgentSettings> jwt = Optional.empty();
        if (node.has("jwt")) {
            JsonNode j = node.get("jwt");
            String p = "/identity/jwt";
            JwtTrust trust = trust(j, p, List.of(resource), lines);
            Map<String, List<String>> agents = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : j.path("agents").properties()) {
                agents.put(
                        e.getKey(), strings(e.getValue().path("roles"), p + "/agents/" + e.getKey() + "/roles", lines));
            }
            jwt = Optional.of(new JwtAgentSettings(
                    trust, text(j, "agentClaim", p, lines).orElse("sub"), agents, text(j, "rolesClaim", p, lines)));
        }
        Optional<UserTokenSettings> user = Optional.empty();
        if (node.has("userToken")) {
            JsonNode u = node.get("userToken");
            String p = "/identity/userToken";
            if (!u.has("audience")) {
                throw lines.error(
                        p, "identity.userToken.audience is required (the client id the IdP issues user tokens to)");
            }
            user = Optional.of(new UserTokenSettings(
                    trust(u, p, List.of(), lines),
                    text(u, "header", p, lines).orElse(UserTokenSettings.DEFAULT_HEADER),
                    text(u, "subjectClaim", p, lines).orElse("sub"),
                    text(u, "groupsClaim", p, lines).orElse("groups"),
                    text(u, "scopeClaim", p, lines).orElse("scope"),
                    u.path("required").asBoolean(false)));
        }
        JsonNode o = node.path("oauth");
        String op = "/identity/oauth";
        OAuthStoreSettings oauth = new OAuthStoreSettings(
                text(o, "callbackBase", op, lines),
                text(o, "keyFile", op, lines).map(IdentityConfig::path),
                text(o, "key", op, lines),
                text(o, "storeFile", op, lines).map(IdentityConfig::path),
                text(o, "refreshSkew", op, lines)
                        .map(s -> duration(s, op + "/refreshSkew", lines))
                        .orElse(DEFAULT_SKEW));
        return new IdentityConfig(resource, jwt, user, oauth);
    }

    private static JwtTrust trust(JsonNode j, String p, List<String> defaultAudience, SourceMap lines) {
        String issuer = text(j, "issuer", p, lines)
                .orElseThrow(() -> lines.error(p, p.substring(1).replace('/', '.') + ".issuer is required"));
        Optional<URI> jwks = text(j, "jwksUrl", p, lines).map(s -> uri(s, p + "/jwksUrl", lines));
        Optional<String> pem = text(j, "publicKey", p, lines);
        Optional<String> pemFile = text(j, "publicKeyFile", p, lines);
        if (pemFile.isPresent()) {
            try {
                pem = Optional.of(Files.readString(path(pemFile.get())));
            } catch (IOException e) {
                throw lines.error(
                        p + "/publicKeyFile", "cannot read public key file " + pemFile.get() + ": " + e.getMessage());
            }
        }
        List<String> audience =
                j.has("audience") ? strings(j.get("audience"), p + "/audience", lines) : defaultAudience;
        List<JWSAlgorithm> algorithms = new ArrayList<>();
        if (j.has("algorithms")) {
            for (String a : strings(j.get("algorithms"), p + "/algorithms", lines)) {
                algorithms.add(JWSAlgorithm.parse(a));
            }
        } else {
            algorithms.addAll(JwtTrust.DEFAULT_ALGORITHMS);
        }
        Duration skew = text(j, "clockSkew", p, lines)
                .map(s -> duration(s, p + "/clockSkew", lines))
                .orElse(DEFAULT_SKEW);
        try {
            return new JwtTrust(issuer, jwks, pem, Set.copyOf(audience), algorithms, skew);
        } catch (IllegalArgumentException e) {
            throw lines.error(p, e.getMessage());
        }
    }

    private static Optional<String> text(JsonNode node, String key, String pointer, SourceMap lines) {
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isString() || v.asString().isBlank()) {
            throw lines.error(pointer + "/" + key, key + " must be a non-empty string");
        }
        return Optional.of(v.asString());
    }

    private static List<String> strings(JsonNode node, String pointer, SourceMap lines) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (node.isString()) {
            out.add(node.asString());
            return out;
        }
        if (!node.isArray()) {
            throw lines.error(pointer, "expected a list of strings");
        }
        for (JsonNode item : node) {
            if (!item.isString()) {
                throw lines.error(pointer, "expected a list of strings");
            }
            out.add(item.asString());
        }
        return out;
    }

    private static URI uri(String text, String pointer, SourceMap lines) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                throw lines.error(pointer, "expected an http(s) URL, got '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw lines.error(pointer, "expected a URL, got '" + text + "'");
        }
    }

    private static Duration duration(String text, String pointer, SourceMap lines) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw lines.error(pointer, e.getMessage());
        }
    }

    static Path path(String text) {
        return text.startsWith("~/") ? Path.of(System.getProperty("user.home"), text.substring(2)) : Path.of(text);
    }

    /** The authenticator the engine should use: API keys, plus JWT agents when configured. */
    public Authenticator authenticator(TollgateConfig config) {
        Authenticator keys = new ApiKeyAuthenticator(config.agents().values());
        return new CompositeAuthenticator(keys, jwt.map(JwtAuthenticator::new));
    }

    /** The metadata document describing this Tollgate (RFC 9728). */
    public ProtectedResourceMetadata metadata() {
        return new ProtectedResourceMetadata(
                resource, jwt.map(s -> List.of(s.trust().issuer())).orElse(List.of()), List.of());
    }
}
