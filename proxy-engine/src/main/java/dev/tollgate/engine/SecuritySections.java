package dev.tollgate.engine;

import dev.tollgate.approval.ApprovalSettings;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.pinning.PinningSettings;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.shadow.ShadowSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The problems of the {@code pinning}, {@code approvals} and {@code shadow} sections, for {@code policy check}: each
 * as the engine would report it at start, and the shadow candidate's own policy problems with its lines.
 */
public final class SecuritySections {
    private SecuritySections() {}

    public static List<ConfigException> check(TollgateConfig config) {
        List<ConfigException> problems = new ArrayList<>();
        try {
            PinningSettings.from(config);
        } catch (ConfigException e) {
            problems.add(e);
        }
        try {
            ApprovalSettings.from(config);
        } catch (ConfigException e) {
            problems.add(e);
        }
        try {
            Optional<Path> candidate = ShadowSettings.candidate(config);
            if (candidate.isPresent()) {
                problems.addAll(CompiledPolicy.check(new ConfigLoader(name -> Optional.of("")).load(candidate.get())));
            }
        } catch (ConfigException e) {
            problems.add(e);
        }
        return problems;
    }
}
