package dev.munero.server;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.StepResult;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import tools.jackson.databind.node.ObjectNode;

/**
 * The builds this server runs (started with {@code POST /api/v1/builds}), each on a virtual thread, with their
 * events kept in memory (seq 1, 2, ... per build) for the builds' WebSocket streams: {@code build_started},
 * {@code step_started}, {@code step_finished} (the step result), {@code warning}, {@code build_finished} (the
 * report). Step output lines are not streamed (the step log route has them). One build per repository at a time
 * from this server; a build from a terminal holds the workspace's build lock, and a build started here waits for
 * it. On server stop, running builds are cancelled (their process trees killed). Thread-safe.
 */
final class BuildJobs {
    private final Map<String, Job> byId = new ConcurrentHashMap<>();
    private final Map<String, Job> runningByRepo = new ConcurrentHashMap<>();
    private final List<StreamObserver> observers;
    private final Clock clock;
    private final PrintStream log;

    BuildJobs(List<StreamObserver> observers, Clock clock, PrintStream log) {
        this.observers = List.copyOf(observers);
        this.clock = clock;
        this.log = log;
    }

    /**
     * Prepares a build (its id, targets and options resolved, nothing run yet) and runs it on a virtual thread.
     *
     * @throws AppException as {@link Builds#prepare} does (INVALID for an unknown target, a bad configuration or
     *                      {@code jobs < 1}); CONFLICT when this server already runs a build of the repository
     */
    Job start(ServedRepo repo, Builds.BuildRequest request) {
        Builds.Prepared prepared = repo.builds().prepare(request);
        Job job = new Job(repo, prepared);
        Job other = runningByRepo.putIfAbsent(repo.id(), job);
        if (other != null) {
            throw AppException.conflict("a build of " + repo.id() + " is already running in this server (build "
                    + other.id() + "); wait for it, or watch it on its events stream");
        }
        byId.put(job.id(), job);
        Thread.ofVirtual().name("munero-build-" + job.id()).start(() -> {
            try {
                job.finish(prepared.run(job), null);
            } catch (AppException e) {
                job.finish(null, e);
            } catch (RuntimeException e) {
                log.println("munero serve: build " + job.id() + " of " + repo.id() + " failed: " + e);
                job.finish(null, AppException.unavailable("the build failed: " + e.getMessage(), e));
            } finally {
                runningByRepo.remove(repo.id(), job);
            }
        });
        return job;
    }

    /** A build this server ran or runs. */
    Optional<Job> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The builds still running, for shutdown. */
    List<Job> running() {
        return List.copyOf(runningByRepo.values());
    }

    /** One build: its events, its state ({@code running}, then {@code passed}, {@code failed}...), its report. */
    final class Job implements BuildListener, EventSource {
        final ServedRepo repo;
        private final Builds.Prepared prepared;
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private final List<Frame> frames = new ArrayList<>();
        private final List<StepResult> finished = new ArrayList<>();
        private final Set<EventConnection> clients = new CopyOnWriteArraySet<>();
        private final String id;
        private volatile String state = "running";
        private final int total;
        private volatile BuildReport report;
        private volatile AppException error;

        Job(ServedRepo repo, Builds.Prepared prepared) {
            this.repo = repo;
            this.prepared = prepared;
            this.id = prepared.id();
            this.total = prepared.selectedSteps();
        }

        String id() {
            return id;
        }

        String state() {
            return state;
        }

        int total() {
            return total;
        }

        synchronized List<StepResult> finishedSteps() {
            return List.copyOf(finished);
        }

        BuildReport report() {
            return report;
        }

        AppException error() {
            return error;
        }

        @Override
        public void buildStarted(String runId, int steps, List<String> order) {
            ObjectNode p = Json.MAPPER.createObjectNode().put("steps", steps);
            order.forEach(p.putArray("order")::add);
            emit("build_started", p);
        }

        @Override
        public void stepStarted(String step) {
            emit("step_started", Json.MAPPER.createObjectNode().put("step", step));
        }

        @Override
        public void stepFinished(StepResult result) {
            synchronized (this) {
                finished.add(result);
            }
            emit("step_finished", Json.MAPPER.valueToTree(result));
        }

        @Override
        public void warning(String message) {
            emit("warning", Json.MAPPER.createObjectNode().put("message", message));
        }

        @Override
        public void buildFinished(BuildReport r) {
            emit("build_finished", Json.MAPPER.valueToTree(r));
        }

        void finish(BuildReport r, AppException e) {
            report = r;
            error = e;
            state = r != null ? r.status().name().toLowerCase(Locale.ROOT) : "error";
            clients.forEach(c -> c.offer(Frame.stateChanged(state)));
            done.countDown();
        }

        /** Stops the build (its processes are killed); it ends as cancelled. */
        void cancel() {
            prepared.cancel();
        }

        /** Waits up to {@code wait} for the build to end. */
        void awaitDone(java.time.Duration wait) throws InterruptedException {
            done.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private void emit(String type, ObjectNode payload) {
            Frame f;
            synchronized (this) {
                long seq = frames.size() + 1L;
                ObjectNode event = Json.MAPPER.createObjectNode().put("seq", seq).put("build_id", id)
                        .put("at", clock.instant().toString()).put("type", type);
                event.set("payload", payload);
                ObjectNode frame = Json.MAPPER.createObjectNode().put("kind", "event");
                frame.set("event", event);
                f = Frame.event(seq, frame.toString());
                frames.add(f);
            }
            for (StreamObserver o : observers) {
                try {
                    o.buildEvent(repo.id(), id, type, payload);
                } catch (RuntimeException ex) {
                    log.println("munero serve: warning: a stream observer failed: " + ex);
                }
            }
            clients.forEach(c -> c.offer(f));
        }

        @Override
        public synchronized List<Frame> after(long seq, int limit) {
            int from = (int) Math.min(Math.max(seq, 0), frames.size());
            return List.copyOf(frames.subList(from, Math.min(frames.size(), from + limit)));
        }

        @Override
        public Optional<String> ended() {
            return state.equals("running") ? Optional.empty() : Optional.of(state);
        }

        void subscribe(EventConnection c) {
            clients.add(c);
        }

        void unsubscribe(EventConnection c) {
            clients.remove(c);
        }

        List<EventConnection> clients() {
            return List.copyOf(clients);
        }
    }
}
