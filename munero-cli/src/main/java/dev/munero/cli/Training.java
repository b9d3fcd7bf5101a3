package dev.munero.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run behind the launcher's start-up cache (JDK 25 AOT cache, or CDS on 21-24): runs
 * the commands users run most (help, graph, a cold and a cached build of a munero.yaml workspace, a
 * dry run over an auto-detected npm workspace) in a temp directory, with all output discarded, so that
 * the classes they load are archived. Not a user command; the launcher calls it once per build.
 */
public final class Training {
    private Training() {
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("munero-training");
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        try {
            System.setOut(sink);
            System.setErr(sink);
            Path yaml = Files.createDirectories(dir.resolve("yaml"));
            Files.createDirectories(yaml.resolve("src"));
            Files.writeString(yaml.resolve("src/a.txt"), "a\n");
            Files.writeString(yaml.resolve("munero.yaml"), """
                    steps:
                      - name: copy
                        command: "mkdir -p out && cp src/a.txt out/a.txt"
                        shell: true
                        inputs: [src/**]
                        outputs: [out/**]
                      - name: check
                        command: [cat, out/a.txt]
                        dependsOn: [copy]
                        skipIf: [{env: MUNERO_TRAINING_SKIP}]
                    profiles:
                      production:
                        steps:
                          copy: { env: { MODE: prod } }
                    """);
            // A workspace of many packages, so that the profiles the AOT cache records (JEP 515) cover the
            // per-step paths a real repository takes hundreds of times: detection, hashing, lookup, restore.
            int packages = 80;
            Path npm = Files.createDirectories(dir.resolve("npm"));
            Files.writeString(npm.resolve("package.json"), "{\"name\":\"t\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
            StringBuilder steps = new StringBuilder("steps:\n");
            for (int i = 0; i < packages; i++) {
                String name = "p" + i;
                Path pkg = Files.createDirectories(npm.resolve("packages").resolve(name).resolve("src"));
                Files.writeString(pkg.resolve("index.js"), "module.exports = " + i + ";\n");
                String dep = i == 0 ? "" : "p" + (i - 1) / 2;
                Files.writeString(pkg.getParent().resolve("package.json"), "{\"name\":\"@t/" + name
                        + "\",\"scripts\":{\"build\":\"true\"}" + (dep.isEmpty() ? "" : ",\"dependencies\":{\"@t/" + dep + "\":\"*\"}") + "}");
                steps.append("  - name: ").append(name).append("\n    command: \"mkdir -p dist && cat src/*.js > dist/index.js\"\n")
                        .append("    shell: true\n    cwd: packages/").append(name).append("\n    outputs: [dist/**]\n");
                if (!dep.isEmpty()) {
                    steps.append("    dependsOn: [").append(dep).append("]\n");
                }
            }
            Path many = Files.createDirectories(dir.resolve("many"));
            copyTree(npm.resolve("packages"), many.resolve("packages"));
            Files.writeString(many.resolve("munero.yaml"), steps.toString());
            Main.run("--help");
            Main.run("build", "--help");
            Main.run("agent", "--help");
            Main.run("graph", "-C", yaml.toString(), "--format", "json");
            Main.run("build", "-C", yaml.toString());
            Main.run("build", "-C", yaml.toString());
            Main.run("build", "-C", yaml.toString(), "--json", "--profile", "production");
            Main.run("build", "-C", yaml.toString(), "--explain", "copy");
            Main.run("graph", "-C", npm.toString());
            Main.run("build", "-C", npm.toString(), "--dry-run");
            Main.run("build", "-C", many.toString(), "-j", "4");
            for (int i = 0; i < 4; i++) {
                Main.run("build", "-C", many.toString(), "-j", "4");
            }
            Files.writeString(many.resolve("packages/p7/src/index.js"), "module.exports = 'changed';\n");
            Main.run("build", "-C", many.toString(), "-j", "4");
            Files.walk(many.resolve("packages")).filter(p -> p.toString().endsWith("dist/index.js")).limit(10)
                    .forEach(p -> p.toFile().delete());
            Main.run("build", "-C", many.toString(), "-j", "4");
            // the session commands (pause, sessions, cost...) open the run database: SQLite's driver, Flyway and the
            // store's queries, which otherwise load from the jar on every start (issue 11.11: pause took seconds)
            Path runs = Files.createDirectories(dir.resolve("runs"));
            dev.munero.store.Store.open(runs.resolve(".munero/munero.db"), java.time.Clock.systemUTC()).close();
            Main.run("sessions", "list", "-C", runs.toString());
            Main.run("sessions", "list", "-C", runs.toString(), "--json");
            Main.run("pause", "-C", runs.toString(), "20000101-000000");
            Main.run("sessions", "cleanup", "-C", runs.toString(), "--max-age", "7d", "--dry-run");
            // the client path the launcher takes by default, against a daemon on a temporary socket
            try (DaemonServer daemon = DaemonServer.start(dir.resolve("daemon/d.sock"), java.time.Duration.ofMinutes(1))) {
                for (String[] cmd : new String[][] {{"--version"}, {"build", "-C", many.toString()}, {"graph", "-C", npm.toString()}}) {
                    DaemonClient.call(DaemonClient.connect(dir.resolve("daemon/d.sock")), new DaemonProtocol.Request(
                            java.util.List.of(cmd), dir.toString(), System.getenv(), false), sink, sink, false);
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
