package dev.tollgate.identity;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which signed JWTs to believe: the issuer, where its keys come from (a JWKS URL or one configured public
 * key), the audience the token must name, and the only signature algorithms accepted.
 */
public record JwtTrust(
        String issuer,
        Optional<URI> jwksUrl,
        Optional<String> publicKeyPem,
        Set<String> audiences,
        List<JWSAlgorithm> algorithms,
        Duration clockSkew) {

    /** Asymmetric algorithms only: HMAC with a public key as the secret is the classic confusion attack. */
    public static final Set<JWSAlgorithm> SUPPORTED = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA,
            JWSAlgorithm.Ed25519);

    public static final List<JWSAlgorithm> DEFAULT_ALGORITHMS =
            List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256);

    public JwtTrust {
        audiences = Set.copyOf(audiences);
        algorithms = List.copyOf(algorithms);
        if (jwksUrl.isEmpty() == publicKeyPem.isEmpty()) {
            throw new IllegalArgumentException("exactly one of jwksUrl and publicKey is needed");
        }
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("an audience is needed so tokens minted for other services are refused");
        }
        for (JWSAlgorithm alg : algorithms) {
            if (!SUPPORTED.contains(alg)) {
                throw new IllegalArgumentException("algorithm " + alg
                        + " is not accepted; use one of RS256, ES256, PS256" + " (and their 384/512 forms) or EdDSA");
            }
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("at least one signature algorithm is needed");
        }
    }

    @Override
    public String toString() {
        return "JwtTrust[issuer=" + issuer + ", keys="
                + jwksUrl.map(URI::toString).orElse("configured public key") + ", audiences=" + audiences
                + ", algorithms=" + algorithms + "]";
    }
}
