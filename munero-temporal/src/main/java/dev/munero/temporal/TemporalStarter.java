package dev.munero.temporal;

import dev.munero.core.BuildManager;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Distributed;
import dev.munero.core.app.DistributedRun;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.temporal.wire.EventLine;
import dev.munero.temporal.wire.Progress;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The starter and follower of {@code munero run --temporal} (issue 16.2). Given a run made like a local run
 * ({@link DistributedRun}: row, {@code run_started}, branch, worktree), it pushes the run's branch to the git remote,
 * starts the workflow {@code munero-<run>} ({@link RunWorkflow}) on the task queue, and follows it: every
 * {@value #POLL_SECONDS} s (or as soon as the workflow ends) it asks the workflow's {@code progress} query for the
 * events after the last one it has, and appends each to the run's store and console
 * ({@link DistributedRun#mirror}). When the workflow ends it takes its last events, counts the calls the workflow's
 * account holds beyond what the events say (attempts that died mid-call, at their worst case) as one
 * {@code model_call_interrupted}, fetches the run's branch from the remote into the run's worktree (a fast-forward),
 * and returns the outcome with the local run's statuses (and so exit codes).
 *
 * <p>A pause asked while it follows ({@code munero pause}, the run's {@code --timeout} passing, or an interrupt of the
 * following thread: Ctrl-C) is sent to the workflow as its {@code pause} signal; the workflow pauses once its running activities end. After an
 * interrupt the follower waits at most {@value #INTERRUPT_WAIT_SECONDS} s for that, then returns
 * {@code INTERRUPTED} (the workflow goes on pausing without it).
 *
 * <p>Not thread-safe: one follower per run, on the caller's thread.
 */
final class TemporalStarter {
    /** How often the follower asks for new events, seconds. */
    static final int POLL_SECONDS = 1;
    /** How long the follower waits for the workflow to pause after an interrupt, seconds. */
    static final int INTERRUPT_WAIT_SECONDS = 45;

    private final DistributedRun run;
    private final Distributed.Target target;
    private final Consumer<String> notes;

    /**
     * @param notes where the follower says what it does besides events (a worker is awaited, the branch is
     *              fetched); one line each
     */
    TemporalStarter(DistributedRun run, Distributed.Target target, Consumer<String> notes) {
        this.run = run;
        this.target = target;
        this.notes = notes;
    }

    /**
     * Pushes, starts, follows and fetches.
     *
     * @throws AppException INVALID for a missing remote or queue; UNAVAILABLE when the push, the server or the store
     *                      fails
     */
    BuildManager.Outcome follow() {
        WorkflowServiceStubs service;
        try {
            service = TemporalWorkers.connect(target.address());
        } catch (IllegalStateException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
        try {
            WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
                    .setNamespace("default").build());
            return follow(client);
        } finally {
            service.shutdown();
        }
    }

    /** Starts the workflow on {@code client} and follows it (the part tests drive with Temporal's test service). */
    BuildManager.Outcome follow(WorkflowClient client) {
        if (target.gitRemote() == null || target.gitRemote().isBlank()) {
            throw AppException.invalid("a distributed run needs --git-remote URL: its workers fetch the run's branch "
                    + "from there and push their work there");
        }
        if (target.taskQueue() == null || target.taskQueue().isBlank()) {
            throw AppException.invalid("a distributed run needs --task-queue QUEUE, the queue its workers poll");
        }
        git("push the run's branch " + run.branch() + " to " + target.gitRemote(), "push", "-q", target.gitRemote(),
                "HEAD:refs/heads/" + run.branch());
        RunInput input = input();
        run.emit(new RunEvent.SessionStarted(run.runId(), 1, "start", ProcessHandle.current().pid()));
        RunWorkflow workflow = client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(target.taskQueue()).setWorkflowId(RunInput.workflowId(run.runId())).build());
        try {
            WorkflowClient.start(workflow::run, input);
        } catch (WorkflowExecutionAlreadyStarted e) {
            throw AppException.conflict("Temporal already has a workflow " + RunInput.workflowId(run.runId()));
        } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
            throw AppException.unavailable("cannot start the run's workflow on " + target.address() + ": "
                    + TemporalWorkers.rootMessage(e), e);
        }
        notes.accept("run " + run.runId() + ": workflow " + RunInput.workflowId(run.runId()) + " started on "
                + target.address() + ", task queue " + target.taskQueue() + "; workers: munero worker --temporal "
                + target.address() + " --task-queue " + target.taskQueue());
        WorkflowStub stub = WorkflowStub.fromTyped(workflow);
        int next = 0;
        boolean pauseSent = false;
        boolean waitingSaid = false;
        long interruptedAt = 0;
        long startedAt = System.nanoTime();
        RunResult result = null;
        String failure = null;
        while (result == null && failure == null) {
            try {
                result = stub.getResult(POLL_SECONDS, TimeUnit.SECONDS, RunResult.class);
            } catch (TimeoutException e) {
                // still running
            } catch (WorkflowException e) {
                failure = TemporalWorkers.rootMessage(e);
            } catch (RuntimeException e) { // the server is away for a while (go on asking), or an interrupt
                if ((Thread.currentThread().isInterrupted() || interruptedBy(e)) && interruptedAt == 0) {
                    interruptedAt = System.nanoTime();
                }
            }
            if (Thread.interrupted() && interruptedAt == 0) {
                interruptedAt = System.nanoTime();
            }
            try {
                next = drain(workflow, next);
                waitingSaid = false;
            } catch (RuntimeException e) {
                if (!waitingSaid) {
                    notes.accept("run " + run.runId() + ": no worker answers on task queue " + target.taskQueue()
                            + " yet (" + TemporalWorkers.rootMessage(e) + "); start one: munero worker --temporal "
                            + target.address() + " --task-queue " + target.taskQueue());
                    waitingSaid = true;
                }
            }
            boolean timedOut = System.nanoTime() - startedAt > run.limits().timeout().toNanos();
            if (!pauseSent && result == null && failure == null && (interruptedAt != 0 || timedOut
                    || run.pauseRequested())) {
                try {
                    workflow.pause(interruptedAt != 0 ? "Ctrl-C on the starter (pid " + ProcessHandle.current().pid()
                            + ")" : timedOut ? "the timeout of " + run.limits().timeout() + " (--timeout)"
                            : "munero pause");
                    pauseSent = true;
                } catch (RuntimeException e) {
                    notes.accept("run " + run.runId() + ": cannot ask the workflow to pause: "
                            + TemporalWorkers.rootMessage(e));
                }
            }
            if (interruptedAt != 0 && result == null && failure == null
                    && System.nanoTime() - interruptedAt > TimeUnit.SECONDS.toNanos(INTERRUPT_WAIT_SECONDS)) {
                return run.outcome(BuildManager.Status.INTERRUPTED, "interrupted: the workflow "
                        + RunInput.workflowId(run.runId()) + " pauses once its running activities end", 0, null);
            }
        }
        if (failure != null) {
            // the workflow itself failed (a bug, or it was terminated): nothing more comes from it
            String why = "the workflow " + RunInput.workflowId(run.runId()) + " ended without a result: " + failure;
            run.emit(new RunEvent.RunPaused(why, null, 0));
            return run.outcome(BuildManager.Status.PAUSED, why, 0, null);
        }
        for (int last = -1; last != next; ) { // the events recorded before the workflow returned
            last = next;
            try {
                next = drain(workflow, next);
            } catch (RuntimeException e) {
                notes.accept("run " + run.runId() + ": the workflow's last events cannot be read: "
                        + TemporalWorkers.rootMessage(e));
                break;
            }
        }
        double unaccounted = result.spentUsd() - run.spentUsd();
        if (unaccounted > 1e-9) {
            run.emit(new RunEvent.ModelCallInterrupted("workers", 0, run.model(), unaccounted, "calls of activity "
                    + "attempts that ended without reporting them (a worker died or timed out), counted by the "
                    + "workflow at their worst case"));
        }
        String fetched = fetchBranch(result.head());
        String message = result.message() + (fetched == null ? "" : " (" + fetched + ")");
        return run.outcome(switch (result.status()) {
            case "completed" -> BuildManager.Status.COMPLETED;
            case "failed" -> BuildManager.Status.FAILED;
            default -> BuildManager.Status.PAUSED;
        }, message, result.iterations(), result.neededUsd());
    }

    /** Whether {@code e} comes from an interrupt of this thread (gRPC clears the flag and says CANCELLED). */
    private static boolean interruptedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.util.concurrent.CancellationException
                    || t instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode()
                    == io.grpc.Status.Code.CANCELLED) {
                return true;
            }
        }
        return false;
    }

    /** Mirrors the events from {@code from} on, page by page; returns the index to ask from next. */
    private int drain(RunWorkflow workflow, int from) {
        int next = from;
        while (true) {
            Progress p = workflow.progress(next);
            for (EventLine e : p.events()) {
                try {
                    if (run.mirror(e.type(), e.payloadJson()) == null) {
                        notes.accept("run " + run.runId() + ": skipped an event of a type this Munero does not "
                                + "know: " + e.type());
                    }
                } catch (IllegalArgumentException bad) {
                    notes.accept("run " + run.runId() + ": skipped an event: " + bad.getMessage());
                }
            }
            if (p.nextEvent() == next || p.events().isEmpty()) {
                return p.nextEvent();
            }
            next = p.nextEvent();
        }
    }

    RunInput input() {
        var limits = run.limits();
        return new RunInput(run.runId(), run.spec(), target.gitRemote(), run.branch(), run.baseCommit(), run.model(),
                limits.budgetUsd().isPresent() ? limits.budgetUsd().getAsDouble() : null, run.spentUsd(),
                limits.maxIterations(), limits.agents(), target.remoteCache(), target.remoteCacheToken(),
                RunEvents.JSON.writeValueAsString(limitsForWorkers(limits.asMap(), run.sandbox())),
                target.heartbeatSeconds());
    }

    /**
     * The run's limits for its workers, with the starter's containment as {@code sandbox}: {@code off} when the
     * starter runs commands without a sandbox, {@code on} when it runs them in bubblewrap (a worker without
     * bubblewrap then refuses the step rather than run it with less containment than the user's machine gave), and
     * {@code auto} (bubblewrap where the worker has it, else the allow list) when the starter has only the allow list.
     */
    static java.util.Map<String, Object> limitsForWorkers(java.util.Map<String, Object> limits,
                                                          dev.munero.agent.safety.Sandbox sandbox) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(limits);
        m.put("sandbox", switch (sandbox) {
            case dev.munero.agent.safety.Sandbox.None ignored -> "off";
            case dev.munero.agent.safety.Sandbox.Bubblewrap ignored -> "on";
            case dev.munero.agent.safety.Sandbox.Unavailable ignored -> "auto";
        });
        return m;
    }

    /**
     * Brings the run's branch from the remote into the run's worktree (a fast-forward to {@code head}).
     *
     * @return null when done, else what went wrong (the work is on the remote's branch)
     */
    private String fetchBranch(String head) {
        try {
            git("fetch the run's branch " + run.branch() + " from " + target.gitRemote(), "fetch",
                    target.gitRemote(), "refs/heads/" + run.branch());
            git("fast-forward the run's worktree to " + head, "merge", "--ff-only", "-q",
                    head == null ? "FETCH_HEAD" : head);
            return null;
        } catch (AppException e) {
            return "the work is on branch " + run.branch() + " of " + target.gitRemote() + ", but " + e.getMessage();
        }
    }

    /**
     * Runs git in the run's worktree.
     *
     * @throws AppException UNAVAILABLE naming what failed and git's message
     */
    private void git(String what, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", run.worktree().toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                    Path.of("/dev/null").toFile())).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            int code = p.waitFor();
            if (code != 0) {
                throw AppException.unavailable("cannot " + what + ": git " + String.join(" ", args) + " exited with "
                        + code + (out.isEmpty() ? "" : ": " + out), null);
            }
        } catch (IOException e) {
            throw AppException.unavailable("cannot " + what + ": git cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AppException.unavailable("cannot " + what + ": interrupted", e);
        }
    }
}
