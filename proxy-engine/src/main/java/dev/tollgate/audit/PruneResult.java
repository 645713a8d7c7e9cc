package dev.tollgate.audit;

import java.util.Optional;

/**
 * What a prune removed: how many records, up to which chain position, and the id of the checkpoint record that
 * now states it in the chain (empty when nothing was old enough).
 */
public record PruneResult(long pruned, long throughPosition, Optional<Long> checkpointId) {
    static final PruneResult NOTHING = new PruneResult(0, 0, Optional.empty());
}
