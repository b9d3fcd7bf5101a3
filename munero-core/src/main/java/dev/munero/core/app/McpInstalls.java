package dev.munero.core.app;

import dev.munero.agent.mcp.McpServerSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * npm MCP servers installed into Munero's cache, so a run does not depend on {@code npx} downloading its package at
 * start-up (the seeds' {@code installServer}). A server is {@code npx}-launched when its command is {@code npx} and
 * its arguments are {@code [-y|--yes|-q|--quiet ...] PACKAGE[@VERSION] SERVER-ARGS...} (the form every MCP server's
 * README gives). {@link #install} runs {@code npm install --prefix DIR --no-audit --no-fund --prefer-offline
 * PACKAGE[@VERSION]} (npm's own cache first) into a temporary directory of the cache and renames it to {@code ~/.cache/munero/mcp/PACKAGE@VERSION} (the version npm
 * installed; {@code $XDG_CACHE_HOME/munero/mcp} when set), so a half-done install is never used. {@link #installed}
 * finds it again: the exact version when the arguments name one, else the most recently installed version of the
 * package; the server then starts as {@code DIR/node_modules/.bin/BIN SERVER-ARGS...} (BIN from the package's
 * {@code package.json} {@code bin}, the entry named as the package when there are several, as npx chooses).
 *
 * <p>Stateless over the file system; concurrent installs of one package each install into their own temporary
 * directory and the first rename wins.
 */
final class McpInstalls {
    /** npx's options that take no value and may come before the package. */
    private static final Set<String> NPX_FLAGS = Set.of("-y", "--yes", "-q", "--quiet", "--prefer-offline",
            "--prefer-online");
    /** {@code @scope/name@version} or {@code name@version}; the version is optional. */
    private static final Pattern PACKAGE = Pattern.compile("^((?:@[^/@\\s]+/)?[^/@\\s]+)(?:@([^\\s]+))?$");
    /** An exact version, which names one install; a range or a tag does not. */
    private static final Pattern EXACT = Pattern.compile("^\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.+-]+)?$");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What {@code npx} is asked to run. */
    record NpxPackage(String name, String version, List<String> serverArgs) {
        /** What to give npm: {@code name@version}, or {@code name} for the latest. */
        String spec() {
            return version == null ? name : name + "@" + version;
        }
    }

    private final Map<String, String> env;

    McpInstalls(Map<String, String> env) {
        this.env = env;
    }

    /** The cache's root: {@code $XDG_CACHE_HOME/munero/mcp}, else {@code ~/.cache/munero/mcp}. */
    Path root() {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return base.resolve("munero").resolve("mcp");
    }

    /** The package an {@code npx}-launched stdio server runs; empty for any other server. */
    static Optional<NpxPackage> npx(McpServerSpec spec) {
        if (spec.command() == null) {
            return Optional.empty();
        }
        String program = Path.of(spec.command()).getFileName().toString();
        if (!program.equals("npx")) {
            return Optional.empty();
        }
        List<String> args = spec.args();
        int i = 0;
        while (i < args.size() && NPX_FLAGS.contains(args.get(i))) {
            i++;
        }
        if (i == args.size() || args.get(i).startsWith("-")) {
            return Optional.empty(); // -p/--package, -c and the like: not the simple form
        }
        Matcher m = PACKAGE.matcher(args.get(i));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new NpxPackage(m.group(1), m.group(2), List.copyOf(args.subList(i + 1, args.size()))));
    }

    /** The installed binary {@code spec} starts instead of {@code npx}; empty when it is not installed. */
    Optional<Path> installed(McpServerSpec spec) {
        Optional<NpxPackage> pkg = npx(spec);
        if (pkg.isEmpty()) {
            return Optional.empty();
        }
        Path dir = null;
        String version = pkg.get().version();
        if (version != null && EXACT.matcher(version).matches()) {
            dir = root().resolve(pkg.get().name() + "@" + version);
        } else {
            dir = newestInstall(pkg.get().name()).orElse(null);
        }
        return dir == null ? Optional.empty() : binary(dir, pkg.get().name());
    }

    /** {@code spec} started from {@code bin} with the server's own arguments instead of through {@code npx}. */
    static McpServerSpec useInstalled(McpServerSpec spec, Path bin) {
        List<String> args = npx(spec).map(NpxPackage::serverArgs).orElse(spec.args());
        return new McpServerSpec(spec.name(), bin.toString(), args, spec.env(), null, spec.headers(), spec.required(),
                spec.timeout());
    }

    /**
     * Installs the package {@code spec} runs with {@code npx} (see the class doc).
     *
     * @param name the server's name, for messages
     * @return the installed binary
     * @throws AppException INVALID when {@code spec} is not {@code npx}-launched in the simple form; UNAVAILABLE when
     *                      npm cannot be started, fails (its output's tail in the message) or the package has no
     *                      binary, or the cache cannot be written
     */
    Path install(String name, McpServerSpec spec) {
        NpxPackage pkg = npx(spec).orElseThrow(() -> AppException.invalid("MCP server '" + name + "' is not started "
                + "with npx PACKAGE (its command is " + spec.describe() + "); --install installs npm packages run "
                + "through npx only"));
        Path root = root();
        Path tmp;
        try {
            Path parent = root.resolve(pkg.name()).getParent(); // the scope's directory for @scope/name
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, ".installing-");
        } catch (IOException e) {
            throw AppException.unavailable("cannot write Munero's MCP cache " + root + ": " + e.getMessage(), e);
        }
        try {
            npm(tmp, pkg.spec());
            Path installedPackage = tmp.resolve("node_modules").resolve(pkg.name());
            String version = packageJson(installedPackage).path("version").asString("");
            if (version.isBlank()) {
                throw AppException.unavailable("npm installed " + pkg.spec() + " without a version in its "
                        + "package.json (" + installedPackage + ")", null);
            }
            Path target = root.resolve(pkg.name() + "@" + version);
            if (!Files.isDirectory(target)) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another install of the same version won the rename; use it
                } catch (AtomicMoveNotSupportedException e) {
                    throw AppException.unavailable("cannot rename " + tmp + " to " + target + ": " + e.getMessage(), e);
                }
            }
            Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
            return binary(target, pkg.name()).orElseThrow(() -> AppException.unavailable("the npm package "
                    + pkg.name() + "@" + version + " has no binary (no \"bin\" in its package.json), so it cannot "
                    + "be started as an MCP server", null));
        } catch (IOException e) {
            throw AppException.unavailable("cannot install " + pkg.spec() + " into " + root + ": " + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
        }
    }

    private void npm(Path prefix, String spec) {
        List<String> command = List.of("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                "--prefer-offline", "--loglevel", "error", spec);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw AppException.unavailable("cannot start npm to install " + spec + " (" + e.getMessage() + "); "
                    + "install Node.js and npm, or keep the server on npx", e);
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw AppException.unavailable("npm install " + spec + " did not finish within 10 minutes", null);
            }
            if (p.exitValue() != 0) {
                String tail = out.strip();
                tail = tail.length() > 1500 ? "…" + tail.substring(tail.length() - 1500) : tail;
                throw AppException.unavailable("npm install " + spec + " failed (exit " + p.exitValue() + "): "
                        + tail, null);
            }
        } catch (IOException e) {
            throw AppException.unavailable("npm install " + spec + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw AppException.unavailable("npm install " + spec + " was interrupted", e);
        }
    }

    /** The most recently installed version of {@code name}. */
    private Optional<Path> newestInstall(String name) {
        Path dir = root().resolve(name).getParent();
        String prefix = root().resolve(name).getFileName() + "@";
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
            entries.forEach(found::add);
        } catch (IOException e) {
            return Optional.empty();
        }
        return found.stream().filter(Files::isDirectory).max(Comparator.comparing(McpInstalls::modified));
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** {@code dir/node_modules/.bin/BIN} of the package {@code name} installed in {@code dir}, when it exists. */
    private static Optional<Path> binary(Path dir, String name) {
        JsonNode bin;
        try {
            bin = packageJson(dir.resolve("node_modules").resolve(name)).path("bin");
        } catch (IOException e) {
            return Optional.empty();
        }
        String unscoped = name.substring(name.indexOf('/') + 1);
        String command = null;
        if (bin.isString()) {
            command = unscoped;
        } else if (bin.isObject() && !bin.isEmpty()) {
            command = bin.has(unscoped) ? unscoped : bin.propertyNames().iterator().next();
        }
        if (command == null) {
            return Optional.empty();
        }
        Path path = dir.resolve("node_modules").resolve(".bin").resolve(command);
        return Files.isExecutable(path) ? Optional.of(path.toAbsolutePath()) : Optional.empty();
    }

    private static JsonNode packageJson(Path packageDir) throws IOException {
        try {
            return JSON.readTree(packageDir.resolve("package.json").toFile());
        } catch (JacksonException e) {
            throw new IOException(packageDir.resolve("package.json") + ": " + e.getOriginalMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    // best effort: a leftover .installing- directory is never used
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
