package dev.tollgate.audit;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of walking the hash chain: intact, or the id of the first record that does not match; and what the
 * walk could not check (e.g. no anchor, so a removed tail would go unnoticed), which does not make a chain broken.
 */
public record VerifyResult(long recordsChecked, Optional<Long> firstBrokenId, String message, List<String> warnings) {
    public VerifyResult {
        warnings = List.copyOf(warnings);
    }

    public VerifyResult(long recordsChecked, Optional<Long> firstBrokenId, String message) {
        this(recordsChecked, firstBrokenId, message, List.of());
    }

    public boolean intact() {
        return firstBrokenId.isEmpty();
    }
}
