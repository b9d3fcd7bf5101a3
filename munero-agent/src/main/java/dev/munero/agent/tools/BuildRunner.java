package dev.munero.agent.tools;

import java.util.List;

/** Runs the workspace's build for the {@code build} tool. Implementations are thread-safe. */
@FunctionalInterface
public interface BuildRunner {

    /**
     * Builds {@code targets} and what they depend on.
     *
     * @param targets step names; empty for every step
     * @return what happened, as text for the model; a failed build or a bad {@code munero.yaml} is an outcome, not
     *         an exception
     * @throws InterruptedException when the run is cancelled during the build (the build is cancelled too)
     */
    BuildOutcome build(List<String> targets) throws InterruptedException;
}
