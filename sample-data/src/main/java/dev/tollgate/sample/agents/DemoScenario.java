package dev.tollgate.sample.agents;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The demo's story: the billing, onboarding and support agents work their everyday conversations side by
 * side, then the billing agent hits the refund timeout and loops until the call budget is spent.
 */
public final class DemoScenario {
    /** The incident's transcript (played last, alone, so the storm stands out on the timeline). */
    public static final String INCIDENT = "billing-agent/refund-storm.jsonl";

    private final ToolGateway gateway;
    private final Pacing pacing;
    private final List<Transcript> transcripts;
    private final Optional<TranscriptRecorder> recorder;

    public DemoScenario(ToolGateway gateway, Pacing pacing) {
        this(gateway, pacing, Transcript.bundled());
    }

    public DemoScenario(ToolGateway gateway, Pacing pacing, List<Transcript> transcripts) {
        this(gateway, pacing, transcripts, Optional.empty());
    }

    /** With a recorder, every conversation is written down as the agents play it. */
    public DemoScenario(
            ToolGateway gateway, Pacing pacing, List<Transcript> transcripts, Optional<TranscriptRecorder> recorder) {
        this.gateway = gateway;
        this.pacing = pacing;
        this.transcripts = List.copyOf(transcripts);
        this.recorder = recorder;
    }

    public List<Transcript> transcripts() {
        return transcripts;
    }

    /** Plays every conversation within {@code totalCalls} tool calls and returns the calls the agents made. */
    public List<AgentCall> play(int totalCalls) {
        CallBudget budget = new CallBudget(totalCalls);
        List<Transcript> everyday = new ArrayList<>();
        List<Transcript> incidents = new ArrayList<>();
        for (Transcript t : transcripts) {
            (t.name().equals(INCIDENT) ? incidents : everyday).add(t);
        }
        List<AgentCall> calls = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, everyday.size()), r -> {
            Thread t = new Thread(r, "tollgate-demo-agent");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<AgentCall>>> running = new ArrayList<>();
            for (Transcript t : everyday) {
                ScriptedAgent agent = new ScriptedAgent(t.agentId(), gateway, pacing, recorder);
                running.add(pool.submit(() -> agent.play(t, budget)));
            }
            for (Future<List<AgentCall>> f : running) {
                calls.addAll(f.get());
            }
            for (Transcript t : incidents) {
                calls.addAll(new ScriptedAgent(t.agentId(), gateway, pacing, recorder).play(t, budget));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a scripted agent failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(calls);
    }
}
