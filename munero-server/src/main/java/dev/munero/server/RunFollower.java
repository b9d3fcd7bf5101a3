package dev.munero.server;

import dev.munero.core.RunState;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import tools.jackson.databind.node.ObjectNode;

/**
 * Follows the event logs of every served repository (runs started by this server, by a CLI in another process, by
 * another server: all write the same SQLite file, WAL) and fans each new event out, once and in seq order per run,
 * to the {@link StreamObserver}s and to the WebSocket clients of that run. One virtual thread polls every
 * repository's run list every poll interval, and reads the events of each run whose last seq moved. Events already
 * in a log when the server started are not fanned out (a client reads them as its backlog). Thread-safe.
 */
final class RunFollower {
    /** How many of a repository's newest runs each poll looks at. */
    private static final int WATCHED_RUNS = 200;
    private static final int PAGE = 500;

    private final Repos repos;
    private final List<StreamObserver> observers;
    private final long pollMillis;
    private final PrintStream log;
    private final RunRegistry registry;
    private final Map<String, Known> known = new HashMap<>();
    private final Set<String> started = new HashSet<>();
    private final Map<String, Set<EventConnection>> clients = new ConcurrentHashMap<>();
    private final List<Runnable> afterPoll = new CopyOnWriteArrayList<>();
    private volatile Thread thread;
    private volatile boolean failing;

    /** @param registry the runs this server drives: their streams end only once their sessions have */
    RunFollower(Repos repos, List<StreamObserver> observers, long pollMillis, PrintStream log, RunRegistry registry) {
        this.repos = repos;
        this.observers = List.copyOf(observers);
        this.pollMillis = pollMillis;
        this.log = log;
        this.registry = registry;
        registry.onSessionEnded(this::sessionEnded);
    }

    /** Takes note of what the logs hold now (not fanned out), then follows them on a virtual thread. */
    synchronized void start() {
        poll(true);
        thread = Thread.ofVirtual().name("munero-run-follower").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException e) {
                    return;
                }
                poll(false);
            }
        });
    }

    /** Stops following and waits for the thread. */
    void stop() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            t.join();
        }
    }

    /** Runs {@code task} after each poll (tests wait on it; nothing else needs it). */
    void afterEachPoll(Runnable task) {
        afterPoll.add(task);
    }

    /** Adds a client of run {@code runId} in {@code repo}: it gets the events read from now on. */
    void subscribe(ServedRepo repo, String runId, EventConnection client) {
        clients.computeIfAbsent(key(repo.id(), runId), k -> new CopyOnWriteArraySet<>()).add(client);
    }

    void unsubscribe(ServedRepo repo, String runId, EventConnection client) {
        clients.computeIfPresent(key(repo.id(), runId), (k, set) -> {
            set.remove(client);
            return set.isEmpty() ? null : set;
        });
    }

    /** The clients of every run, for shutdown. */
    List<EventConnection> allClients() {
        return clients.values().stream().flatMap(Set::stream).toList();
    }

    /**
     * The event source of one run: its log and its state. A Paused run that the registry drives has not ended: it
     * was just resumed and its session has not moved it yet, or it is pausing and its session is still writing; the
     * follower tells its clients when that session ends ({@link #sessionEnded}). Issue: a stream opened on a run just
     * resumed got {@code end} at once.
     */
    EventSource source(ServedRepo repo, String runId) {
        Runs runs = repo.runs();
        return new EventSource() {
            @Override
            public List<Frame> after(long seq, int limit) {
                return runs.events(runId, seq, limit).stream().map(e -> Frame.event(e.seq(), frame(e))).toList();
            }

            @Override
            public Optional<String> ended() {
                String state = runs.show(runId).summary().state();
                if (running(state) || state.equals(RunState.PAUSED.label()) && registry.drives(repo, runId)) {
                    return Optional.empty();
                }
                return Optional.of(state);
            }
        };
    }

    /**
     * Tells the clients of run {@code runId} that a session of it this server drove has ended, so each checks
     * whether the stream has ended ({@link RunRegistry#onSessionEnded}).
     */
    void sessionEnded(ServedRepo repo, String runId) {
        Set<EventConnection> watching = clients.getOrDefault(key(repo.id(), runId), Set.of());
        if (watching.isEmpty()) {
            return;
        }
        String state;
        try {
            state = repo.runs().summary(runId).state();
        } catch (AppException e) {
            state = "unknown";
        }
        EventSource.Frame f = EventSource.Frame.stateChanged(state);
        watching.forEach(c -> c.offer(f));
    }

    /** Whether a run in {@code state} may still write events: not Paused, Completed or Failed. */
    static boolean running(String state) {
        RunState s;
        try {
            s = RunState.ofLabel(state);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return !s.isFinal() && s != RunState.PAUSED;
    }

    /** The text of an event frame: {@code {"kind":"event","event":{seq,run_id,at,type,payload}}}. */
    static String frame(Runs.Event e) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("kind", "event");
        node.set("event", Json.MAPPER.valueToTree(e));
        return node.toString();
    }

    private synchronized void poll(boolean first) {
        for (ServedRepo repo : repos.all()) {
            Optional<Runs> runs;
            try {
                runs = repo.runsIfAny();
            } catch (AppException e) {
                warn(repo, e);
                continue;
            }
            if (runs.isEmpty()) {
                started.add(repo.id()); // every run that appears later is new
                continue;
            }
            boolean existing = first || !started.contains(repo.id());
            started.add(repo.id());
            try {
                follow(repo, runs.get(), existing);
                failing = false;
            } catch (AppException e) {
                warn(repo, e);
            }
        }
        afterPoll.forEach(Runnable::run);
    }

    private void follow(ServedRepo repo, Runs runs, boolean existing) {
        for (Runs.Summary s : runs.list(new Runs.Query(null, WATCHED_RUNS, 0)).items()) {
            String key = key(repo.id(), s.id());
            Known k = known.get(key);
            if (k == null) {
                k = new Known(existing ? s.lastSeq() : 0, s.state());
                known.put(key, k);
            }
            while (s.lastSeq() > k.seq) {
                List<Runs.Event> events = runs.events(s.id(), k.seq, PAGE);
                if (events.isEmpty()) {
                    break;
                }
                Set<EventConnection> watching = clients.getOrDefault(key, Set.of());
                for (Runs.Event e : events) {
                    for (StreamObserver o : observers) {
                        try {
                            o.runEvent(repo.id(), e);
                        } catch (RuntimeException ex) {
                            log.println("munero serve: warning: a stream observer failed: " + ex);
                        }
                    }
                    if (!watching.isEmpty()) {
                        EventSource.Frame f = EventSource.Frame.event(e.seq(), frame(e));
                        watching.forEach(c -> c.offer(f));
                    }
                    k.seq = e.seq();
                }
            }
            if (!s.state().equals(k.state)) {
                k.state = s.state();
                EventSource.Frame f = EventSource.Frame.stateChanged(s.state());
                clients.getOrDefault(key, Set.of()).forEach(c -> c.offer(f));
            }
        }
    }

    private void warn(ServedRepo repo, AppException e) {
        if (!failing) {
            log.println("munero serve: warning: cannot read the runs of " + repo.path() + ": " + e.getMessage());
            failing = true;
        }
    }

    private static String key(String repoId, String runId) {
        return repoId + "\u0000" + runId;
    }

    private static final class Known {
        long seq;
        String state;

        Known(long seq, String state) {
            this.seq = seq;
            this.state = state;
        }
    }
}
