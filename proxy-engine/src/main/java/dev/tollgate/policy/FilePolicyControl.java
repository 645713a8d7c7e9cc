package dev.tollgate.policy;

import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.pipeline.ToolAnnotations;
import dev.tollgate.pipeline.ToolRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The editor's and command line's handle on the policy file the engine runs: check, preview, apply. */
public final class FilePolicyControl implements PolicyControl {
    private final PolicyHolder holder;
    private final ConfigLoader loader;
    private final AuditStore store;
    private final Function<ToolRef, ToolAnnotations> annotations;

    /** @param annotations the live servers' tool annotations, so class rules preview as they would run */
    public FilePolicyControl(
            PolicyHolder holder,
            ConfigLoader loader,
            AuditStore store,
            Function<ToolRef, ToolAnnotations> annotations) {
        this.holder = holder;
        this.loader = loader;
        this.store = store;
        this.annotations = annotations;
    }

    @Override
    public String currentText() {
        return holder.get().config().text();
    }

    @Override
    public List<ConfigException> check(String candidateText) {
        try {
            return new ArrayList<>(CompiledPolicy.check(parse(candidateText)));
        } catch (ConfigException e) {
            return List.of(e);
        }
    }

    /** Throws the first problem when the candidate does not compile, since there is nothing to preview. */
    @Override
    public PreviewReport preview(String candidateText, AuditQuery range) {
        CompiledPolicy candidate = CompiledPolicy.from(parse(candidateText));
        return new PolicyPreview(candidate, annotations, PolicyPreview.DEFAULT_SAMPLE).run(store, range);
    }

    @Override
    public void apply(String candidateText) throws ConfigException {
        holder.apply(candidateText);
    }

    @Override
    public void apply(String candidateText, String basedOn) throws ConfigException {
        holder.apply(candidateText, basedOn);
    }

    private TollgateConfig parse(String text) {
        return loader.parse(holder.file().map(Path::toString).orElse("<candidate>"), text);
    }
}
