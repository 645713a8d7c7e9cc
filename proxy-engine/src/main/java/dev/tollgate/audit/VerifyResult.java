package dev.tollgate.audit;

import java.util.Optional;

/** The outcome of walking the hash chain: intact, or the id of the first record that does not match. */
public record VerifyResult(long recordsChecked, Optional<Long> firstBrokenId, String message) {
    public boolean intact() {
        return firstBrokenId.isEmpty();
    }
}
