package dev.munero.core.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts {@code git -C DIR ARGS...} as a child process and waits for it. Standard input is closed at once (git
 * never waits on the terminal); stdout is read on the calling thread while a virtual thread drains stderr, so a
 * chatty command cannot fill one pipe while we block on the other.
 *
 * <p>The child's environment is this JVM's, without the variables that would point git at another repository or
 * index than {@code DIR}'s (a caller running inside a git hook has {@code GIT_DIR} and {@code GIT_INDEX_FILE}
 * set), plus {@code GIT_TERMINAL_PROMPT=0} (fail instead of asking for credentials), {@code LC_ALL=C} (messages
 * we match on are English) and {@code GIT_PAGER=cat}, plus {@link #extraEnv} (tests isolate git from the
 * machine's configuration with it). Immutable and thread-safe.
 *
 * @param program  the git executable, {@code git} unless a test needs a missing one
 * @param extraEnv variables set last, over everything else
 */
record GitProcess(String program, Map<String, String> extraEnv) {
    /** The real {@code git} on the {@code PATH}, with this JVM's environment. */
    static final GitProcess DEFAULT = new GitProcess("git", Map.of());

    /** Variables that redirect git to another repository, work tree, index or object store than the one we name. */
    static final Set<String> REDIRECTING = Set.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES");

    private static final int TAIL_LINES = 10;
    private static final int SHOWN_ARG_CHARS = 80;

    GitProcess {
        if (program.isBlank()) {
            throw new IllegalArgumentException("the git program must not be blank");
        }
        extraEnv = Map.copyOf(extraEnv);
    }

    /** How a git command ended: its exit code and its whole stdout and stderr (UTF-8). */
    record Output(int exitCode, String stdout, String stderr) {
        /** The last lines of stderr, or of stdout when stderr is empty ({@code git commit} reports there). */
        String tail() {
            return GitProcess.tail(stderr.isBlank() ? stdout : stderr);
        }
    }

    /**
     * Runs {@code git -C dir args...}, whatever its exit code.
     *
     * @throws GitException when git cannot be started (not installed) or the wait is interrupted (the child is
     *                      killed and the thread's interrupt flag is set again)
     */
    Output run(Path dir, List<String> args) throws GitException {
        List<String> command = command(dir, args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment(System.getenv(), extraEnv));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new GitException("git is not installed / not on PATH: cannot start " + commandLine(command)
                    + " (" + e.getMessage() + ")", e);
        }
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), stderr));
        try {
            process.getOutputStream().close();
            byte[] stdout;
            try (InputStream in = process.getInputStream()) {
                stdout = in.readAllBytes();
            }
            int exitCode = process.waitFor();
            drain.join();
            return new Output(exitCode, new String(stdout, StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new GitException("cannot read the output of " + commandLine(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while waiting for " + commandLine(command), e);
        }
    }

    /**
     * Runs {@code git -C dir args...} and requires exit code 0.
     *
     * @param what what the command does, for the message ("commit", "add the worktree")
     * @return its stdout
     * @throws GitException when git cannot be started, or exits with another code: the message names {@code what},
     *                      the command line, the exit code and the last lines git printed
     */
    String check(Path dir, String what, List<String> args) throws GitException {
        Output output = run(dir, args);
        if (output.exitCode() != 0) {
            throw failure(what, dir, args, output);
        }
        return output.stdout();
    }

    /** The exception for a command that ended with {@code output}, which was not what the caller needed. */
    GitException failure(String what, Path dir, List<String> args, Output output) {
        return new GitException("cannot " + what + ": " + commandLine(command(dir, args)) + " exited with "
                + output.exitCode() + (output.tail().isEmpty() ? "" : ":\n" + output.tail()));
    }

    /** The child's complete environment: {@code inherited} without {@link #REDIRECTING}, the fixed values, then {@code extra}. */
    static Map<String, String> environment(Map<String, String> inherited, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(inherited);
        env.keySet().removeAll(REDIRECTING);
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("LC_ALL", "C");
        env.put("GIT_PAGER", "cat");
        env.putAll(extra);
        return env;
    }

    /**
     * Never run the repository's hooks or its fsmonitor: agents write the repository's content, and Munero's own git
     * calls must not run what they planted (issue 10).
     */
    static final List<String> NO_HOOKS = List.of("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false");

    private List<String> command(Path dir, List<String> args) {
        List<String> command = new ArrayList<>(args.size() + 7);
        command.add(program);
        command.addAll(NO_HOOKS);
        command.add("-C");
        command.add(dir.toString());
        command.addAll(args);
        return command;
    }

    /** The command as a shell would take it, long arguments (commit messages) cut short. */
    static String commandLine(List<String> command) {
        if (command.size() > NO_HOOKS.size() && command.subList(1, 1 + NO_HOOKS.size()).equals(NO_HOOKS)) {
            command = new ArrayList<>(command);
            command.subList(1, 1 + NO_HOOKS.size()).clear(); // always there: not worth a reader's attention
        }
        List<String> shown = new ArrayList<>(command.size());
        for (String arg : command) {
            String cut = arg.length() > SHOWN_ARG_CHARS ? arg.substring(0, SHOWN_ARG_CHARS) + "..." : arg;
            shown.add(cut.matches("[A-Za-z0-9_@%+=:,./^~-]+") ? cut : "'" + cut.replace("'", "'\\''") + "'");
        }
        return String.join(" ", shown);
    }

    static String tail(String text) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the child went away; what was read is kept
        }
    }
}
