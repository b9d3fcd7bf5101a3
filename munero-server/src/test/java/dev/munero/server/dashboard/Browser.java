package dev.munero.server.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real headless browser for tests: Debian's Chromium ({@code /usr/bin/chromium}, or {@code MUNERO_CHROMIUM})
 * driven by a Node script through {@code playwright-core} from npm (only the library: its own browser download does
 * not work here). playwright-core is looked up in {@code ~/.cache/munero-test/playwright} (where {@code .ci/run}
 * installs it) and installed there with npm on first use. Facts: ../shared/REAL-COMPONENTS.md, "Browser".
 */
final class Browser {
    /** The playwright-core version .ci/run installs. */
    static final String PLAYWRIGHT_VERSION = "1.65.1";
    static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "playwright");

    private Browser() {
    }

    /** Why the browser test cannot run here, or empty when it can. */
    static Optional<String> missing() {
        if (chromium().isEmpty()) {
            return Optional.of("Chromium is not installed (/usr/bin/chromium, Debian package chromium; .ci/run "
                    + "installs it, or set MUNERO_CHROMIUM)");
        }
        if (!onPath("node")) {
            return Optional.of("node is not on PATH (the browser script runs on Node 20)");
        }
        if (playwright().isEmpty()) {
            return Optional.of("playwright-core is not installed and `npm install --prefix " + CACHE
                    + " playwright-core@" + PLAYWRIGHT_VERSION + "` failed (as .ci/run does)");
        }
        return Optional.empty();
    }

    static Optional<Path> chromium() {
        String env = System.getenv("MUNERO_CHROMIUM");
        Path p = Path.of(env != null && !env.isBlank() ? env : "/usr/bin/chromium");
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    /** playwright-core's ESM entry point, installed into {@link #CACHE} on first use; empty when that fails. */
    static synchronized Optional<Path> playwright() {
        Path entry = CACHE.resolve("node_modules/playwright-core/index.mjs");
        if (Files.isRegularFile(entry)) {
            return Optional.of(entry);
        }
        if (!onPath("npm")) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(CACHE);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", CACHE.toString(), "--no-audit", "--no-fund",
                    "playwright-core@" + PLAYWRIGHT_VERSION).redirectErrorStream(true)
                    .redirectOutput(CACHE.resolve("npm-install.log").toFile()).start();
            if (!npm.waitFor(10, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Files.isRegularFile(entry) ? Optional.of(entry) : Optional.empty();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** What a script run printed and how it ended. */
    record Result(int exitCode, List<String> stdout, List<String> stderr, List<Path> screenshots) {
        /** The failure reasons the script gave ("FAIL: ..." lines), or its whole error output when it gave none. */
        String failure() {
            List<String> fails = stderr.stream().filter(l -> l.startsWith("FAIL: ")).toList();
            return String.join("\n", fails.isEmpty() ? stderr : fails);
        }
    }

    /**
     * Runs the Node script {@code script} with {@code env} added to the environment (plus PLAYWRIGHT_CORE and
     * CHROMIUM), handing each {@code @<command> <arg>} line it prints to {@code control} as it comes.
     *
     * @param timeoutMinutes the script is killed after this long (then the result's exit code is -1)
     */
    static Result run(Path script, Map<String, String> env, Consumer<String> control, long timeoutMinutes)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("node", script.toString());
        pb.environment().putAll(env);
        pb.environment().put("PLAYWRIGHT_CORE", playwright().orElseThrow().toUri().toString());
        pb.environment().put("CHROMIUM", chromium().orElseThrow().toString());
        Process node = pb.start();
        List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Path> shots = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<List<String>> err = CompletableFuture.supplyAsync(() -> lines(node.getErrorStream()));
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.add(line);
                    if (line.startsWith("@shot ")) {
                        shots.add(Path.of(line.substring(6)));
                    } else if (line.startsWith("@")) {
                        control.accept(line.substring(1));
                    }
                }
            } catch (IOException e) {
                out.add("(reading the script's output failed: " + e.getMessage() + ")");
            }
        });
        boolean ended = node.waitFor(timeoutMinutes, TimeUnit.MINUTES);
        if (!ended) {
            node.destroyForcibly().waitFor();
        }
        reader.join();
        return new Result(ended ? node.exitValue() : -1, List.copyOf(out), err.join(), List.copyOf(shots));
    }

    private static List<String> lines(java.io.InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        } catch (IOException e) {
            return List.of("(reading the script's error output failed: " + e.getMessage() + ")");
        }
    }
}
