package dev.tollgate.engine;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.identity.Authenticator;
import dev.tollgate.pipeline.CallSnapshot;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.Policy;
import dev.tollgate.policy.PolicyHolder;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The engine's source of call snapshots: the policy in force and the authenticator built from the same
 * configuration, held in one reference and replaced together when the policy reloads. A call takes one snapshot as
 * it enters the chain, so a reload mid-call never pairs a new policy with an old authenticator or the reverse.
 */
final class Snapshots implements Supplier<CallSnapshot> {
    private final PolicyHolder policy;
    private final Function<TollgateConfig, Authenticator> authenticators;
    private final Function<CompiledPolicy, Policy> governing;
    private final AtomicReference<CallSnapshot> current;

    /** Calls are decided with the compiled policy itself. */
    Snapshots(PolicyHolder policy, Function<TollgateConfig, Authenticator> authenticators) {
        this(policy, authenticators, compiled -> compiled);
    }

    /**
     * Registers with {@code policy} before anyone else, so listeners after it already see the new snapshot.
     * {@code governing} is the policy calls are decided with, made from the compiled one (the pins applied to it).
     */
    Snapshots(
            PolicyHolder policy,
            Function<TollgateConfig, Authenticator> authenticators,
            Function<CompiledPolicy, Policy> governing) {
        this.policy = policy;
        this.authenticators = authenticators;
        this.governing = governing;
        this.current = new AtomicReference<>(snapshot(policy.get()));
        policy.onChange((previous, next) -> current.set(snapshot(next)));
    }

    private CallSnapshot snapshot(CompiledPolicy compiled) {
        return new CallSnapshot(
                authenticators.apply(compiled.config()),
                governing.apply(compiled),
                compiled.limits(),
                compiled.loopBreaker());
    }

    @Override
    public CallSnapshot get() {
        return current.get();
    }

    /** The authenticator in force, for the transport and the gateway (the same one calls are decided with). */
    Authenticator authenticator() {
        return credentials -> current.get().authenticator().authenticate(credentials);
    }

    /** Rebuilds the snapshot of the policy in force (the listening port, part of the JWT audience, became known). */
    void refresh() {
        current.set(snapshot(policy.get()));
    }
}
