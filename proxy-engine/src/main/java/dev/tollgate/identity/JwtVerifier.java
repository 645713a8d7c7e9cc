package dev.tollgate.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies signed JWTs against one {@link JwtTrust}: signature with an allowed algorithm, issuer, audience,
 * expiry and not-before. Unsigned ({@code alg: none}) tokens are refused by the processor itself.
 */
public final class JwtVerifier {
    /** Nimbus defaults to 500 ms, too tight for an IdP on a loaded machine; a slow fetch would refuse valid tokens. */
    private static final int JWKS_TIMEOUT_MS = 5_000;

    private static final int JWKS_SIZE_LIMIT = 512 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final JwtTrust trust;

    public JwtVerifier(JwtTrust trust) {
        this.trust = trust;
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        processor.setJWSKeySelector(
                trust.jwksUrl().isPresent()
                        ? new JWSVerificationKeySelector<>(
                                new HashSet<>(trust.algorithms()),
                                jwks(trust.jwksUrl().get()))
                        : configuredKey(trust));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                trust.audiences(),
                new JWTClaimsSet.Builder().issuer(trust.issuer()).build(),
                Set.of("exp", "iss"),
                Set.of());
        claims.setMaxClockSkew((int) trust.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The outcome of one verification: the verified claims, or why the token was refused. */
    public sealed interface Result {
        record Valid(JWTClaimsSet claims) implements Result {}

        record Invalid(String reason) implements Result {}
    }

    public Result verify(String token) {
        try {
            return new Result.Valid(processor.process(token, null));
        } catch (ParseException e) {
            return new Result.Invalid("the token is not a well-formed JWT");
        } catch (BadJOSEException e) {
            return new Result.Invalid(describe(e.getMessage()));
        } catch (JOSEException e) {
            return new Result.Invalid("the token signature could not be checked: " + e.getMessage());
        } catch (RuntimeException e) {
            return new Result.Invalid("the token could not be verified");
        }
    }

    public JwtTrust trust() {
        return trust;
    }

    /** Nimbus messages never contain the token; shortened to what the presenter can act on. */
    private static String describe(String message) {
        if (message == null) {
            return "the token was refused";
        }
        if (message.startsWith("Unsecured")) {
            return "unsigned tokens (alg: none) are refused";
        }
        if (message.contains("Another algorithm expected") || message.contains("no matching key")) {
            return "the token's signature algorithm or key is not accepted";
        }
        if (message.contains("Invalid signature")) {
            return "the token signature is invalid";
        }
        if (message.contains("missing required claims")) {
            return "the token lacks a required claim: " + message.substring(Math.max(0, message.indexOf('[')));
        }
        if (message.contains("Expired")) {
            return "the token has expired";
        }
        if (message.contains("before use time")) {
            return "the token is not valid yet (nbf)";
        }
        if (message.contains("audience") || message.contains("aud claim")) {
            return "the token is not issued for this resource (aud)";
        }
        if (message.contains("iss claim")) {
            return "the token is not issued by the trusted issuer (iss)";
        }

        return message;
    }

    private static JWKSource<SecurityContext> jwks(URI url) {
        try {
            return JWKSourceBuilder.<SecurityContext>create(
                            url.toURL(),
                            new DefaultResourceRetriever(JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_SIZE_LIMIT))
                    .retrying(true)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUrl is not a URL: " + url, e);
        }
    }

    /**
     * One configured key verifies every token whatever its {@code kid}, but only with an allowed algorithm
     * of the key's own family, so an HMAC header cannot turn the public key into a shared secret.
     */
    private static JWSKeySelector<SecurityContext> configuredKey(JwtTrust trust) {
        PublicKey key = toPublicKey(publicKey(trust.publicKeyPem().orElseThrow()));
        Set<JWSAlgorithm> allowed = Set.copyOf(trust.algorithms());
        return (header, context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            boolean fits = allowed.contains(alg)
                    && (key instanceof RSAPublicKey
                            ? JWSAlgorithm.Family.RSA.contains(alg)
                            : JWSAlgorithm.Family.EC.contains(alg));
            return fits ? List.of(key) : List.of();
        };
    }

    private static PublicKey toPublicKey(JWK jwk) {
        try {
            return jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey() : ((ECKey) jwk).toECPublicKey();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("publicKey cannot be used: " + e.getMessage(), e);
        }
    }

    static JWK publicKey(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publicKey is not a PEM encoded public key", e);
        }
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                PublicKey key = KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
                if (key instanceof RSAPublicKey rsa) {
                    return new RSAKey.Builder(rsa).build();
                }
                if (key instanceof ECPublicKey ec) {
                    return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
                }
            } catch (GeneralSecurityException e) {
                continue;
            }
        }
        throw new IllegalArgumentException(
                "publicKey is neither an RSA nor an EC public key (PEM, SubjectPublicKeyInfo)");
    }
}
