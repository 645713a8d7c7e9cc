package dev.tollgate.identity.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.oauth2.sdk.token.Tokens;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The token endpoint, revocation and dynamic registration calls, with a client's credentials. */
final class OAuthClient {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 15_000;

    /** A client Tollgate is registered as at one authorization server: public (PKCE) or with a secret. */
    record Registration(String clientId, Optional<String> clientSecret) {
        @Override
        public String toString() {
            return "Registration[" + clientId + ", secret=" + (clientSecret.isPresent() ? "***" : "none") + "]";
        }
    }

    private OAuthClient() {}

    static StoredToken token(
            URI tokenEndpoint,
            Registration client,
            AuthorizationGrant grant,
            URI resource,
            List<String> scopes,
            Clock clock) {
        return exchange(tokenEndpoint, client, grant, resource, scopes, clock).token();
    }

    /** A token response: the tokens to keep, and the claims naming who signed in, when it says so. */
    record Exchange(StoredToken token, Optional<JWTClaimsSet> signedIn) {}

    /**
     * Claims come from the ID token, else from a JWT access token. They are read without a signature check:
     * they arrived straight from the token endpoint in answer to Tollgate's own request (OpenID Connect Core
     * 3.1.3.7 allows relying on the TLS channel then).
     */
    static Exchange exchange(
            URI tokenEndpoint,
            Registration client,
            AuthorizationGrant grant,
            URI resource,
            List<String> scopes,
            Clock clock) {
        TokenRequest.Builder builder = client.clientSecret().isPresent()
                ? new TokenRequest.Builder(tokenEndpoint, auth(client), grant)
                : new TokenRequest.Builder(tokenEndpoint, new ClientID(client.clientId()), grant);
        builder.resources(resource);
        if (!scopes.isEmpty() && grant.getType() != GrantType.AUTHORIZATION_CODE) {
            builder.scope(new Scope(scopes.toArray(String[]::new)));
        }
        TokenResponse response;
        try {
            response = TokenResponse.parse(send(builder.build().toHTTPRequest()));
        } catch (IOException e) {
            throw new OAuthException(
                    "the token endpoint " + tokenEndpoint + " cannot be reached: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new OAuthException(
                    "the token endpoint " + tokenEndpoint + " answered something that is not a token" + " response", e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = ((TokenErrorResponse) response).getErrorObject();
            throw new OAuthException("the token endpoint refused the " + grant.getType() + " grant: " + error.getCode()
                    + (error.getDescription() == null ? "" : " (" + error.getDescription() + ")"));
        }
        Tokens tokens = ((AccessTokenResponse) response).getTokens();
        Optional<Instant> expires = tokens.getAccessToken().getLifetime() > 0
                ? Optional.of(
                        clock.instant().plusSeconds(tokens.getAccessToken().getLifetime()))
                : Optional.empty();
        List<String> granted = tokens.getAccessToken().getScope() != null
                ? tokens.getAccessToken().getScope().toStringList()
                : scopes;
        StoredToken stored = new StoredToken(
                tokens.getAccessToken().getValue(),
                Optional.ofNullable(tokens.getRefreshToken()).map(Token::getValue),
                expires,
                granted);
        Optional<String> identity = Optional.ofNullable(
                        ((AccessTokenResponse) response).getCustomParameters().get("id_token"))
                .map(String::valueOf);
        return new Exchange(stored, claims(identity.orElse(stored.accessToken())));
    }

    private static Optional<JWTClaimsSet> claims(String token) {
        try {
            return Optional.of(JWTParser.parse(token).getJWTClaimsSet());
        } catch (java.text.ParseException e) {
            return Optional.empty();
        }
    }

    /** What the authorization server said to a revocation request. */
    enum Revocation {
        REVOKED,
        NOT_REVOCABLE,
        FAILED
    }

    /** RFC 7009: 200 revokes; {@code unsupported_token_type} means the server cannot revoke that kind of token. */
    static Revocation revoke(URI endpoint, Registration client, Token token) {
        TokenRevocationRequest request = client.clientSecret().isPresent()
                ? new TokenRevocationRequest(endpoint, auth(client), token)
                : new TokenRevocationRequest(endpoint, new ClientID(client.clientId()), token);
        try {
            HTTPResponse response = send(request.toHTTPRequest());
            if (response.getStatusCode() == 200) {
                return Revocation.REVOKED;
            }
            String body = response.getBody() == null ? "" : response.getBody();
            return body.contains("unsupported_token_type") || body.contains("unsupported token type")
                    ? Revocation.NOT_REVOCABLE
                    : Revocation.FAILED;
        } catch (IOException e) {
            return Revocation.FAILED;
        }
    }

    /** RFC 7591: registers Tollgate as a public client using PKCE, with its own callback. */
    static Registration register(URI endpoint, URI redirectUri) {
        ClientMetadata metadata = new ClientMetadata();
        metadata.setName("Tollgate");
        metadata.setRedirectionURI(redirectUri);
        metadata.setGrantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        metadata.setResponseTypes(Set.of(ResponseType.CODE));
        metadata.setTokenEndpointAuthMethod(ClientAuthenticationMethod.NONE);
        try {
            ClientRegistrationResponse response = ClientRegistrationResponse.parse(
                    send(new ClientRegistrationRequest(endpoint, metadata, null).toHTTPRequest()));
            if (!response.indicatesSuccess()) {
                ErrorObject error = ((ClientRegistrationErrorResponse) response).getErrorObject();
                throw new OAuthException("dynamic client registration at " + endpoint + " was refused: "
                        + (error == null ? "no reason given" : error.getCode()));
            }
            var info = ((ClientInformationResponse) response).getClientInformation();
            return new Registration(
                    info.getID().getValue(),
                    Optional.ofNullable(info.getSecret()).map(Secret::getValue));
        } catch (IOException e) {
            throw new OAuthException("dynamic client registration at " + endpoint + " failed: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new OAuthException("dynamic client registration at " + endpoint + " answered an invalid response", e);
        }
    }

    private static ClientAuthentication auth(Registration client) {
        return new ClientSecretBasic(
                new ClientID(client.clientId()),
                new Secret(client.clientSecret().orElseThrow()));
    }

    private static HTTPResponse send(HTTPRequest request) throws IOException {
        request.setConnectTimeout(CONNECT_TIMEOUT_MS);
        request.setReadTimeout(READ_TIMEOUT_MS);
        return request.send();
    }
}
