package dev.munero.temporal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A worker JVM of its own (issue 16.2): {@code java -cp munero.jar:munero-temporal.jar dev.munero.temporal.WorkerMain
 * --temporal HOST:PORT --task-queue Q --work-dir DIR [--slots N] [--no-sticky]}, which is what {@code munero worker} runs in
 * Munero's JVM and what tests start as child processes. It polls until SIGTERM or Ctrl-C (a shutdown hook stops it:
 * running activities get {@value TemporalWorkers#DRAIN_SECONDS} s to end); a worker killed outright (SIGKILL) is
 * noticed by Temporal after the run's heartbeat time-out and its activities move to another worker.
 *
 * <p>Exit codes: 0 stopped, 1 the server cannot be reached or the worker cannot start, 2 bad usage.
 */
public final class WorkerMain {
    /** The default {@code --slots}: activities a worker runs at once. */
    public static final int DEFAULT_SLOTS = 2;
    static final String USAGE = "usage: WorkerMain --temporal HOST:PORT --task-queue QUEUE --work-dir DIR [--slots N] [--no-sticky]";

    private WorkerMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), WorkerActivities::create, System.out, System.err);
        System.exit(code);
    }

    /** Parsed arguments. */
    record Args(String address, String taskQueue, Path workDir, int slots, boolean sticky) { }

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the argument that is missing or wrong
     */
    static Args parse(String[] args) {
        String address = null;
        String queue = null;
        Path dir = null;
        int slots = DEFAULT_SLOTS;
        boolean sticky = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-sticky")) { // for Temporal's Java test server: see TemporalWorkers#start
                sticky = false;
                continue;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(i + 1 >= args.length && a.startsWith("--") ? a + " needs a value"
                        : "unexpected argument " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--temporal" -> address = v;
                case "--task-queue" -> queue = v;
                case "--work-dir" -> dir = Path.of(v).toAbsolutePath().normalize();
                case "--slots" -> {
                    try {
                        slots = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--slots takes a number, was " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (address == null || queue == null || dir == null) {
            throw new IllegalArgumentException("missing " + (address == null ? "--temporal HOST:PORT"
                    : queue == null ? "--task-queue QUEUE" : "--work-dir DIR"));
        }
        return new Args(address, queue, dir, slots, sticky);
    }

    /**
     * Runs a worker until the JVM is asked to stop.
     *
     * @return the exit code
     */
    static int run(String[] args, Map<String, String> env, TemporalWorkers.Activities activities, PrintStream out,
                   PrintStream err) {
        Args a;
        try {
            a = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("munero worker: error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        TemporalWorkers workers;
        try {
            workers = TemporalWorkers.start(a.address(), a.taskQueue(), a.workDir(), a.slots(), env, activities,
                    a.sticky());
        } catch (IllegalArgumentException e) {
            err.println("munero worker: error: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            err.println("munero worker: error: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(workers::close, "munero-worker-stop"));
        out.println("munero worker " + ProcessHandle.current().pid() + ": polling task queue " + a.taskQueue() + " on "
                + a.address() + " (work dir " + a.workDir() + ", " + a.slots() + " activities at once); Ctrl-C stops");
        out.flush();
        try {
            workers.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.close();
        }
        return 0;
    }
}
