package dev.munero.agent.safety;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where commands run: directly ({@link #none()}), or inside bubblewrap ({@link #bubblewrap()}, {@code --sandbox})
 * with the whole file system read-only except the workspace and a private {@code /tmp}, no network and a private
 * process tree.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Sandbox {

    /**
     * The command line that runs {@code argv} in this sandbox.
     *
     * @param argv      program and arguments, e.g. {@code [sh, -c, mvn test]}
     * @param workspace the workspace root (absolute, real path); the only writable directory, and the working
     *                  directory
     * @return the argv to start; {@code argv} itself for {@link #none()}
     */
    List<String> wrap(List<String> argv, Path workspace);

    /** A short description for messages, e.g. {@code none} or {@code bubblewrap (/usr/bin/bwrap)}. */
    String describe();

    /** No sandbox: commands run as the user, with the user's file system and network. */
    static Sandbox none() {
        return new None();
    }

    /**
     * Bubblewrap ({@code bwrap}, https://github.com/containers/bubblewrap), found on {@code PATH}.
     *
     * @throws SandboxUnavailableException when {@code bwrap} is not installed
     */
    static Sandbox bubblewrap() throws SandboxUnavailableException {
        return new Bubblewrap(findBwrap().orElseThrow(() -> new SandboxUnavailableException(
                "--sandbox needs bubblewrap, and bwrap is not on the PATH: apt-get install bubblewrap "
                        + "(or dnf install bubblewrap, pacman -S bubblewrap)")));
    }

    /** Whether {@code bwrap} is on this process's {@code PATH}. */
    static boolean bubblewrapAvailable() {
        return findBwrap().isPresent();
    }

    private static Optional<Path> findBwrap() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "bwrap");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs commands as they are. */
    record None() implements Sandbox {
        @Override
        public List<String> wrap(List<String> argv, Path workspace) {
            return List.copyOf(argv);
        }

        @Override
        public String describe() {
            return "none";
        }
    }

    /**
     * Bubblewrap: {@code /} bound read-only, a fresh {@code /dev}, {@code /proc} and {@code /tmp} (tmpfs), the
     * workspace bound read-write on top, no network ({@code --unshare-net}), its own PID and IPC namespaces, a new
     * terminal session (no {@code TIOCSTI} injection into the user's terminal), killed when Munero dies.
     *
     * @param bwrap the {@code bwrap} executable
     */
    record Bubblewrap(Path bwrap) implements Sandbox {
        @Override
        public List<String> wrap(List<String> argv, Path workspace) {
            String ws = workspace.toString();
            List<String> out = new ArrayList<>(List.of(bwrap.toString(),
                    "--ro-bind", "/", "/",
                    "--dev", "/dev",
                    "--proc", "/proc",
                    "--tmpfs", "/tmp",
                    "--bind", ws, ws,
                    "--unshare-net", "--unshare-pid", "--unshare-ipc",
                    "--new-session", "--die-with-parent",
                    "--chdir", ws,
                    "--"));
            out.addAll(argv);
            return List.copyOf(out);
        }

        @Override
        public String describe() {
            return "bubblewrap (" + bwrap + ")";
        }
    }
}
