package dev.munero.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The secret variables the {@code ./munero} launcher moved out of this JVM's process environment (issue 10, "no key
 * reachable from any command").
 *
 * <p>{@code /proc/<pid>/environ} shows the environment a process was started with, and a command Munero runs without
 * the sandbox can read its parent's ({@code cat /proc/$PPID/environ}). So the launcher takes every variable whose name
 * {@code EnvironmentScrubber} treats as secret ({@code ANTHROPIC_API_KEY}, {@code OPENAI_API_KEY}, {@code *TOKEN*},
 * ...; one list, the resource {@code dev/munero/agent/safety/secret-names.ere}) out of the environment before it
 * starts Java, writes them to a fresh file readable only by the user (mode 0600, in a mode-0700 directory made by
 * {@code mktemp -d}), and names that file in the system property {@value #PROPERTY}. {@link #take()}, the first thing
 * {@code main} does, reads the file and deletes it and its directory; {@link #environment()} then gives the rest of
 * Munero the user's whole environment exactly as before.
 *
 * <p>File format: {@code NAME=VALUE} entries, each ended by a NUL byte (a value may hold newlines, never a NUL),
 * UTF-8.
 *
 * <p>Thread-safe: {@link #take()} is synchronized and runs once; the map it keeps is immutable.
 */
final class LauncherSecrets {
    /** The system property the launcher sets to the secrets file's path. */
    static final String PROPERTY = "munero.secrets";
    private static volatile Map<String, String> secrets;

    private LauncherSecrets() {
    }

    /**
     * Reads and deletes the launcher's secrets file, once; later calls do nothing. Without {@value #PROPERTY} (the
     * jar started directly, or tests) there are none.
     *
     * @throws IllegalStateException when the property names a file that cannot be read (the message says which
     *                               file, why, and what to do); the file is deleted even then
     */
    static synchronized void take() {
        if (secrets != null) {
            return;
        }
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isEmpty()) {
            secrets = Map.of();
            return;
        }
        System.clearProperty(PROPERTY);
        secrets = Map.of(); // what stays when the file cannot be read
        secrets = readAndDelete(Path.of(file));
    }

    /**
     * The variables in a secrets file; deletes the file, and its directory when the launcher made it (named
     * {@code munero-secrets.*}), whatever happens.
     *
     * @throws IllegalStateException when the file is missing or cannot be read (the message names the file and says
     *                               what to do)
     */
    static Map<String, String> readAndDelete(Path path) {
        try {
            return parse(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the file of secret variables the launcher passed (" + path
                    + ") is gone; run munero again (it is read once, at start-up, and deleted)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the file of secret variables the launcher passed (" + path
                    + "): " + e.getMessage() + "; run munero again");
        } finally {
            delete(path);
        }
    }

    /**
     * {@link #take()} for an entry point's {@code main}, its first statement, so the file lives only while the JVM
     * starts: on failure prints {@code munero: <what went wrong>} and exits 2.
     */
    static void takeOrExit() {
        try {
            take();
        } catch (IllegalStateException e) {
            System.err.println("munero: " + e.getMessage());
            System.exit(ExitCodes.USAGE);
        }
    }

    /**
     * This process's environment as the user started Munero: {@link System#getenv()} plus the secrets the launcher
     * moved out of it (which win on a clash, though there is none: the launcher unset them).
     *
     * @return an unmodifiable map
     */
    static Map<String, String> environment() {
        take();
        if (secrets.isEmpty()) {
            return System.getenv();
        }
        Map<String, String> env = new TreeMap<>(System.getenv());
        env.putAll(secrets);
        return Collections.unmodifiableMap(env);
    }

    /** The entries of a secrets file; a malformed entry (no {@code =}, or an empty name) is skipped. */
    static Map<String, String> parse(byte[] content) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String entry : new String(content, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                vars.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return Collections.unmodifiableMap(vars);
    }

    /** Deletes the file and then its directory, which the launcher made for it alone (it stays if not empty). */
    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
            Path dir = file.getParent();
            if (dir != null && dir.getFileName() != null && dir.getFileName().toString().startsWith("munero-secrets.")) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // the launcher's next start removes a directory it left older than ten minutes
        }
    }
}
