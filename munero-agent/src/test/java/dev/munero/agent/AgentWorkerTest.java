package dev.munero.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.worker.AgentWorker;
import dev.munero.agent.worker.CostSource;
import dev.munero.agent.worker.WorkerEvent;
import dev.munero.agent.worker.WorkerLimits;
import dev.munero.agent.worker.WorkerOutcome;
import dev.munero.agent.worker.WorkerResult;
import dev.munero.agent.worker.WorkerTask;
import dev.munero.llm.pricing.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in agent as a worker (issue 15): its events and result in the workers' shapes. */
class AgentWorkerTest {
    private static final ModelInfo PRICED = new ModelInfo(3.0, 15.0, 3.75, 0.30, 200_000, 64_000);

    @TempDir
    Path dir;

    @Test
    void theBuiltInAgentMapsToolCallsUsageAndFinishIntoTheWorkerShapes() throws Exception {
        Path ws = Files.createDirectories(dir.resolve("ws"));
        var model = new ScriptedChatModel()
                .thenToolCall("write_file", "{\"path\":\"b.txt\",\"content\":\"world\\n\"}")
                .thenToolCall("finish", "{\"summary\":\"wrote b.txt\"}");
        AgentWorker worker = new AgentWorker((task, listener) -> Agent.builder(model,
                        ToolContext.builder(task.workspace()).permissionMode(task.permissions()).build())
                .modelInfo(PRICED).limits(new AgentLimits(10, OptionalDouble.empty(), Duration.ofMinutes(1), 3, 1024))
                .listener(listener).build());
        List<WorkerEvent> events = new ArrayList<>();

        WorkerResult r = worker.run(new WorkerTask("write b.txt", ws, dir.resolve("home"), dir.resolve("logs"),
                Optional.empty(), PermissionMode.AUTO_EDIT, Sandbox.none(), Map.of(), Optional.empty(),
                Optional.empty(), false, WorkerLimits.DEFAULTS), events::add);

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.FINISHED);
        assertThat(r.summary()).contains("wrote b.txt");
        assertThat(r.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(r.costUsd().getAsDouble()).isCloseTo(2 * (1000 * 3.0 + 100 * 15.0) / 1_000_000.0,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Files.readString(ws.resolve("b.txt"))).isEqualTo("world\n");
        assertThat(events).filteredOn(WorkerEvent.ToolUse.class::isInstance).hasSize(2);
        assertThat(events).filteredOn(WorkerEvent.UsageUpdate.class::isInstance).last()
                .isInstanceOfSatisfying(WorkerEvent.UsageUpdate.class,
                        u -> assertThat(u.usage().inputTokens()).isEqualTo(2000));
    }
}
