package dev.tollgate.engine;

import dev.tollgate.approval.ApprovalSettings;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.pinning.PinningSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems of the {@code pinning} and {@code approvals} sections, for {@code policy check}, each as the engine
 * would report it at start.
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
        return problems;
    }
}
