package dev.tollgate.admin;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.json.Json;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.policy.CompiledPolicy;
import dev.tollgate.policy.PolicyControl;
import dev.tollgate.policy.PolicyPreview;
import dev.tollgate.policy.PreviewReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The policy of a remote instance: its text and checks come from its admin listener, previews run here against the
 * team's store (opened read-only), and apply sends the candidate back with who applies it, which the instance puts
 * on the audit record.
 */
final class RemotePolicyControl implements PolicyControl {
    private static final String REMOTE = "<remote policy>";

    private final AdminClient admin;
    private final AuditStore store;
    private final String appliedBy;
    /** A candidate's {@code ${env:NAME}} is the remote instance's business; here it only has to parse. */
    private final ConfigLoader loader = new ConfigLoader(name -> Optional.of("${env:" + name + "}"));

    RemotePolicyControl(AdminClient admin, AuditStore store, String appliedBy) {
        this.admin = admin;
        this.store = store;
        this.appliedBy = appliedBy;
    }

    @Override
    public String currentText() {
        try {
            return admin.getText("/admin/policy");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the remote policy: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ConfigException> check(String candidateText) {
        JsonNode answer;
        try {
            answer = Json.parse(admin.post("/admin/policy/check", candidateText));
        } catch (IOException e) {
            return List.of(new ConfigException(REMOTE, 0, "cannot check on the remote instance: " + e.getMessage()));
        }
        List<ConfigException> problems = new ArrayList<>();
        answer.path("problems")
                .forEach(p -> problems.add(new ConfigException(
                        REMOTE, p.path("line").asInt(), p.path("message").asString())));
        return problems;
    }

    @Override
    public PreviewReport preview(String candidateText, AuditQuery range) {
        CompiledPolicy candidate = CompiledPolicy.from(loader.parse(REMOTE, candidateText));
        return new PolicyPreview(candidate, ref -> ToolAnnotations.NONE, PolicyPreview.DEFAULT_SAMPLE)
                .run(store, range);
    }

    @Override
    public void apply(String candidateText) throws ConfigException {
        try {
            admin.put("/admin/policy", candidateText, AdminServer.APPLIED_BY_HEADER, appliedBy);
        } catch (AdminClient.AdminException e) {
            throw new ConfigException(REMOTE, 0, e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(REMOTE, 0, "cannot reach the remote instance: " + e.getMessage());
        }
    }
}
