package dev.tollgate.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads claims whose shape varies between identity providers (a string, a list, a space-separated list). */
final class Claims {
    private Claims() {}

    static Optional<String> string(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (value instanceof String s) {
            return Optional.of(s);
        }
        if (value instanceof Collection<?> c && c.size() == 1) {
            return Optional.of(String.valueOf(c.iterator().next()));
        }
        return Optional.empty();
    }

    /** A list claim, or a string claim split on spaces (OAuth's {@code scope} is written that way). */
    static List<String> strings(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            Arrays.stream(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).forEach(out::add);
        } else if (value instanceof Collection<?> c) {
            c.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }
}
