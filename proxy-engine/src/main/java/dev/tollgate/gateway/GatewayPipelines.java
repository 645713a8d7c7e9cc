package dev.tollgate.gateway;

import dev.tollgate.pipeline.Pipeline;

/**
 * The chains a {@code tools/call} runs through: {@code calls} for tools an upstream offers, and
 * {@code unknownTools} (audit, identity, then a block) for names no upstream offers, so those are recorded too.
 */
public record GatewayPipelines(Pipeline calls, Pipeline unknownTools) {}
