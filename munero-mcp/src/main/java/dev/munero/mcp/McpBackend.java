package dev.munero.mcp;

import dev.munero.core.BuildManager;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import dev.munero.core.app.RunSessions;
import dev.munero.core.app.Runs;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.EventBus;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the MCP tools act on, given by the front end: one repository, its {@link Runs} and {@link Builds}, the
 * environment builds and runs see, how the session of a run is made ({@link Sessions}) and how a started run is
 * driven in the background ({@link Driver}). {@link #local} is what {@code munero mcp} uses; {@code munero serve}
 * gives its own pieces with {@link #of} (its served repository, its session factory, its run registry).
 *
 * <p>Thread-safe: tools are called on many threads at once.
 */
public final class McpBackend implements AutoCloseable {
    /** How long {@link #close} waits for the runs it drives to pause. */
    private static final Duration PAUSE_WAIT = Duration.ofSeconds(60);

    private final Path repo;
    private final Map<String, String> env;
    private final RunsSource runs;
    private final Supplier<Builds> builds;
    private final Sessions sessions;
    private final Driver driver;
    private final Runnable onClose;

    private McpBackend(Path repo, Map<String, String> env, RunsSource runs, Supplier<Builds> builds, Sessions sessions,
                       Driver driver, Runnable onClose) {
        this.repo = repo.toAbsolutePath().normalize();
        this.env = Map.copyOf(env);
        this.runs = Objects.requireNonNull(runs, "runs");
        this.builds = Objects.requireNonNull(builds, "builds");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.onClose = onClose;
    }

    /**
     * Makes the session of a run the MCP server starts or resumes, from the run's resolved settings (the same shape
     * as {@code munero serve}'s session factory). Called on request threads; must be thread-safe.
     */
    @FunctionalInterface
    public interface Sessions {
        /**
         * @param repo     the repository, absolute
         * @param settings the run's settings, resolved from the tool's arguments, {@code munero.yaml} and the user
         *                 config
         * @param bus      where the session publishes events
         * @throws AppException INVALID for settings that cannot make a session (model name, missing key, a budget
         *                      on a model without a price); UNAVAILABLE when the provider or sandbox cannot start
         */
        BuildManager.Session open(Path repo, RunSettings settings, EventBus bus);
    }

    /** Drives a started (or resumed) run in the background until its session ends. Thread-safe. */
    @FunctionalInterface
    public interface Driver {
        /** Starts driving {@code started} ({@link Runs.Started#run()}) on another thread and returns at once. */
        void launch(Runs.Started started);
    }

    /** The repository's runs, opened on first use. Thread-safe. */
    public interface RunsSource {
        /**
         * The runs, when the repository has a run database; empty when no run was ever started in it.
         *
         * @throws AppException UNAVAILABLE when the database exists but cannot be opened
         */
        Optional<Runs> ifAny();

        /** The runs, for a tool about one run. @throws AppException NOT_FOUND when there is no run database */
        Runs existing();

        /** The runs, making the database when absent (to start a run). @throws AppException UNAVAILABLE */
        Runs creating();
    }

    /**
     * The backend of {@code munero mcp}: {@code repo}'s runs (opened on first use, as the CLI does), the
     * {@link Builds} of the workspace at or above {@code repo} with caches kept for the process's life, sessions
     * made as {@code munero run} makes them ({@link #standardSessions}, notices on standard error), runs driven on
     * virtual threads and asked to pause on {@link #close}.
     *
     * @param env the environment: provider keys, {@code MUNERO_*}, the user config's location; builds see it too
     * @throws AppException NOT_FOUND when {@code repo} is not a directory
     */
    public static McpBackend local(Path repo, Map<String, String> env) {
        return local(repo, env, standardSessions(env, System.err));
    }

    /**
     * {@link #local(Path, Map)} with the sessions given (tests give a scripted model).
     *
     * @throws AppException NOT_FOUND when {@code repo} is not a directory
     */
    public static McpBackend local(Path repo, Map<String, String> env, Sessions sessions) {
        Builds builds = Builds.of(repo); // the workspace at or above repo, as munero build -C finds it
        Path dir = repo.toAbsolutePath().normalize(); // runs live in repo itself, as munero run -C has them
        LocalRuns runs = new LocalRuns(dir, Clock.systemUTC());
        VirtualDriver driver = new VirtualDriver(runs, System.err);
        return new McpBackend(dir, env, runs, () -> builds, sessions, driver, () -> {
            driver.stopAll(PAUSE_WAIT);
            runs.close();
        });
    }

    /**
     * A backend over a front end's own pieces ({@code munero serve}: its served repository, session factory and run
     * registry). {@link #close} closes nothing of them.
     *
     * @param builds gives the repository's {@link Builds} for each call
     */
    public static McpBackend of(Path repo, Map<String, String> env, RunsSource runs, Supplier<Builds> builds,
                                Sessions sessions, Driver driver) {
        return new McpBackend(repo, env, runs, builds, sessions, driver, null);
    }

    /**
     * Sessions as {@code munero run} makes them ({@link RunSessions#forSettings}): the settings' model from its
     * provider (its key from {@code env}), its prices, the settings' sandbox, the learning choice, the repository's
     * MCP servers; a budget on a model without a price is refused (INVALID), as in the CLI. What the CLI would print
     * before the run (the sandbox notice, an unknown price) goes to {@code notices}.
     */
    public static Sessions standardSessions(Map<String, String> env, PrintStream notices) {
        Map<String, String> environment = Map.copyOf(env);
        return (repo, settings, bus) -> {
            RunSessions.Made made = RunSessions.forSettings(repo, settings, null, environment, Clock.systemUTC(), bus);
            made.notices().forEach(notices::println);
            return made.session();
        };
    }

    /** The repository, absolute and normalized. */
    public Path repo() {
        return repo;
    }

    /** The environment builds and runs see; unmodifiable. */
    public Map<String, String> env() {
        return env;
    }

    /** The repository's runs. */
    public RunsSource runs() {
        return runs;
    }

    /** The repository's builds. @throws AppException NOT_FOUND when the directory is gone */
    public Builds builds() {
        return builds.get();
    }

    /** How sessions are made. */
    public Sessions sessions() {
        return sessions;
    }

    /** How started runs are driven. */
    public Driver driver() {
        return driver;
    }

    /**
     * For {@link #local}: asks every run this backend drives to pause (as {@code munero pause} does), waits up to a
     * minute for them (then interrupts them: they pause as after Ctrl-C) and closes the run database. For
     * {@link #of}: nothing.
     */
    @Override
    public void close() {
        if (onClose != null) {
            onClose.run();
        }
    }

    /** The runs of a local repository, opened on first use. */
    private static final class LocalRuns implements RunsSource {
        private final Path repo;
        private final Clock clock;
        private Runs runs;

        LocalRuns(Path repo, Clock clock) {
            this.repo = repo;
            this.clock = clock;
        }

        @Override
        public synchronized Optional<Runs> ifAny() {
            if (runs == null && Files.isRegularFile(BuildManager.databaseOf(repo))) {
                runs = Runs.open(repo, clock, false);
            }
            return Optional.ofNullable(runs);
        }

        @Override
        public synchronized Runs existing() {
            if (runs == null) {
                runs = Runs.open(repo, clock, false); // NOT_FOUND with the CLI's message when there is none
            }
            return runs;
        }

        @Override
        public synchronized Runs creating() {
            if (runs == null) {
                runs = Runs.open(repo, clock, true);
            }
            return runs;
        }

        synchronized void close() {
            if (runs != null) {
                runs.close();
                runs = null;
            }
        }
    }

    /** Runs driven on virtual threads; {@link #stopAll} asks them to pause and waits. */
    private static final class VirtualDriver implements Driver {
        private final LocalRuns runs;
        private final PrintStream log;
        private final Map<String, Thread> live = new ConcurrentHashMap<>();

        VirtualDriver(LocalRuns runs, PrintStream log) {
            this.runs = runs;
            this.log = log;
        }

        @Override
        public void launch(Runs.Started started) {
            String id = started.runId();
            Thread thread = Thread.ofVirtual().name("munero-mcp-run-" + id).unstarted(() -> {
                try {
                    BuildManager.Outcome outcome = started.run();
                    log.println("munero mcp: run " + id + ": " + outcome.status().name()
                            .toLowerCase(java.util.Locale.ROOT) + " — " + outcome.message());
                    started.reportProblem().ifPresent(p -> log.println("munero mcp: warning: " + p));
                } catch (RuntimeException | Error e) {
                    log.println("munero mcp: run " + id + " failed: " + e.getMessage());
                } finally {
                    live.remove(id);
                }
            });
            live.put(id, thread);
            thread.start();
        }

        void stopAll(Duration wait) {
            List<Map.Entry<String, Thread>> running = List.copyOf(live.entrySet());
            for (Map.Entry<String, Thread> r : running) {
                try {
                    runs.existing().pause(r.getKey(), "munero mcp stopping");
                } catch (AppException e) {
                    // it has just ended: nothing to pause
                }
            }
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                for (Map.Entry<String, Thread> r : running) {
                    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                    if (!r.getValue().join(Duration.ofMillis(left))) {
                        log.println("munero mcp: run " + r.getKey() + " did not pause within " + wait.toSeconds()
                                + " s; interrupting it");
                        r.getValue().interrupt();
                        r.getValue().join(wait);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
