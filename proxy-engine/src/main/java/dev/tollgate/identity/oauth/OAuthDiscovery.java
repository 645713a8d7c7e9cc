package dev.tollgate.identity.oauth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;

/**
 * Finds the authorization server of an upstream: from its Protected Resource Metadata (RFC 9728) unless
 * one is configured, then that server's metadata (RFC 8414, falling back to OpenID discovery). Results
 * are cached per upstream; a failure is not, so a server that comes up later is found.
 */
public final class OAuthDiscovery {
    private final OkHttpClient http;
    private final Map<String, AuthorizationServer> cache = new ConcurrentHashMap<>();

    public OAuthDiscovery(OkHttpClient http) {
        this.http = http;
    }

    public AuthorizationServer discover(UpstreamOAuthSettings settings) {
        return cache.computeIfAbsent(settings.server(), name -> resolve(settings));
    }

    private AuthorizationServer resolve(UpstreamOAuthSettings settings) {
        if (settings.issuer().isEmpty() && settings.tokenUrl().isPresent()) {
            return new AuthorizationServer(
                    settings.tokenUrl().get().toString(),
                    Optional.empty(),
                    settings.tokenUrl().get(),
                    Optional.empty(),
                    Optional.empty());
        }
        String issuer = settings.issuer().orElseGet(() -> issuerFromResource(settings.resource()));
        AuthorizationServer found = metadata(issuer);
        return settings.tokenUrl()
                .map(t -> new AuthorizationServer(
                        found.issuer(),
                        found.authorizationEndpoint(),
                        t,
                        found.revocationEndpoint(),
                        found.registrationEndpoint()))
                .orElse(found);
    }

    /** RFC 9728 §3.1: the well-known segment goes between the host and the resource's path. */
    String issuerFromResource(URI resource) {
        String origin = resource.getScheme() + "://" + resource.getRawAuthority();
        String path = resource.getRawPath() == null || resource.getRawPath().equals("/") ? "" : resource.getRawPath();
        List<String> candidates = new ArrayList<>();
        candidates.add(origin + "/.well-known/oauth-protected-resource" + path);
        if (!path.isEmpty()) {
            candidates.add(origin + "/.well-known/oauth-protected-resource");
        }
        for (String url : candidates) {
            Optional<JsonNode> doc = fetch(url);
            if (doc.isPresent()) {
                JsonNode servers = doc.get().path("authorization_servers");
                if (servers.isArray() && !servers.isEmpty() && servers.get(0).isString()) {
                    return servers.get(0).asString();
                }
                throw new OAuthException(
                        "the protected resource metadata of " + resource + " names no authorization_servers");
            }
        }
        throw new OAuthException("cannot discover the authorization server of " + resource
                + ": no protected resource metadata at " + candidates.get(0) + "; configure oauth.issuer");
    }

    private AuthorizationServer metadata(String issuer) {
        URI iss = URI.create(issuer);
        String origin = iss.getScheme() + "://" + iss.getRawAuthority();
        String path = iss.getRawPath() == null || iss.getRawPath().equals("/") ? "" : iss.getRawPath();
        String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        List<String> candidates = List.of(
                origin + "/.well-known/oauth-authorization-server" + path,
                trimmed + "/.well-known/oauth-authorization-server",
                origin + "/.well-known/openid-configuration" + path,
                trimmed + "/.well-known/openid-configuration");
        for (String url : candidates) {
            Optional<JsonNode> doc = fetch(url);
            if (doc.isPresent()) {
                try {
                    AuthorizationServerMetadata m = AuthorizationServerMetadata.parse(Json.write(doc.get()));
                    if (m.getTokenEndpointURI() == null) {
                        throw new OAuthException("the metadata of " + issuer + " has no token_endpoint");
                    }
                    return new AuthorizationServer(
                            m.getIssuer().getValue(),
                            Optional.ofNullable(m.getAuthorizationEndpointURI()),
                            m.getTokenEndpointURI(),
                            Optional.ofNullable(m.getRevocationEndpointURI()),
                            Optional.ofNullable(m.getRegistrationEndpointURI()));
                } catch (ParseException e) {
                    throw new OAuthException("the metadata of " + issuer + " is invalid: " + e.getMessage(), e);
                }
            }
        }
        throw new OAuthException("cannot find the metadata of authorization server " + issuer);
    }

    private Optional<JsonNode> fetch(String url) {
        Request request = new Request.Builder()
                .url(url)
                .header("Accept", "application/json")
                .build();
        try (Response response = http.newCall(request).execute()) {
            if (!response.isSuccessful()) {
                return Optional.empty();
            }
            JsonNode doc = Json.parse(response.body().string());
            return doc.isObject() ? Optional.of(doc) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
