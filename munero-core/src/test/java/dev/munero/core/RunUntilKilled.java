package dev.munero.core;

import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;

import dev.munero.store.Store;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * A child process for {@link ResumeAfterKillTest}: starts a run on the repository {@code args[0]} whose model
 * answers the plan and the agent's first call, then, at the agent's second call, prints "ready" and waits to be
 * killed — so the kill lands mid-task, after completed model calls and an executed tool call.
 */
public final class RunUntilKilled {
    private RunUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        RunFixture fx = RunFixture.existing(Path.of(args[0]));
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"))
                .hook((role, index) -> {
                    if (role.equals("task:greet") && index == 1) {
                        System.out.println("ready");
                        System.out.flush();
                        Thread.sleep(Long.MAX_VALUE);
                    }
                });
        try (Store store = fx.store()) {
            BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md", RunFixture.limits(1, OptionalDouble.empty()),
                    fx.session(model));
        }
    }
}
