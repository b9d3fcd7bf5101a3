package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.store.Store;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code munero pause} from another connection stops a running run, which then resumes to completion. */
class PauseTest {
    @TempDir
    Path dir;

    @Test
    void aPauseRequestedFromAnotherConnectionStopsTheRunAndResumeFinishesIt() throws Exception {
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel first = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"))
                .hook((role, index) -> {
                    if (role.equals("task:greet") && index == 1) {
                        // another process asks for a pause while this agent's call is in flight
                        fx.pauseFromAnotherConnectionAndWait();
                    }
                });
        String id;
        try (Store store = fx.store()) {
            BuildManager.Outcome paused = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(first));
            id = paused.runId();
            assertThat(paused.status()).isEqualTo(BuildManager.Status.PAUSED);
            assertThat(paused.message()).contains("a pause was requested");
            assertThat(store.run(id).orElseThrow().state()).isEqualTo("Paused");
            // the half-done task's edit is not kept: the worktree is back at the last checkpoint
            assertThat(Path.of(paused.worktree()).resolve("greeting.txt")).doesNotExist();
        }
        RoleScriptedModel second = new RoleScriptedModel().task("greet", "finish", finish("done"));
        try (Store store = fx.store()) {
            BuildManager.Outcome done = BuildManager.resume(store, id, l -> l, fx.session(second));
            assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(second.calls()).containsExactly("task:greet#0");
            assertThat(store.events(id, 0)).extracting(e -> e.type()).contains("pause_requested", "run_paused");
            // issue 11.1: the call the pause cut off may have been billed: it counts at its worst case, once
            assertThat(store.events(id, 0)).filteredOn(e -> e.type().equals("model_call_interrupted"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.payload().path("scope").asString()).isEqualTo("task:1:greet");
                        assertThat(e.payload().path("cause").asString()).isEqualTo("interrupted");
                        assertThat(e.payload().path("worst_case_usd").asDouble()).isPositive();
                    });
            assertThat(store.openReservations(id)).isEmpty();
            RunMetrics m = RunMetrics.of(store.events(id, 0));
            assertThat(m.interruptedCalls()).isEqualTo(1);
            assertThat(done.costUsd()).isCloseTo(m.costUsd(), org.assertj.core.data.Offset.offset(1e-9));
        }
    }
}
