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
            Path npm = Files.createDirectories(dir.resolve("npm"));
            Files.writeString(npm.resolve("package.json"), "{\"name\":\"t\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
            for (String p : new String[] {"a", "b"}) {
                Path pkg = Files.createDirectories(npm.resolve("packages").resolve(p).resolve("src"));
                Files.writeString(pkg.resolve("index.js"), "module.exports = 1;\n");
                Files.writeString(pkg.getParent().resolve("package.json"), "{\"name\":\"@t/" + p + "\",\"scripts\":{\"build\":\"true\"}"
                        + (p.equals("b") ? ",\"dependencies\":{\"@t/a\":\"*\"}" : "") + "}");
            }
            Main.run("--help");
            Main.run("build", "--help");
            Main.run("graph", "-C", yaml.toString(), "--format", "json");
            Main.run("build", "-C", yaml.toString());
            Main.run("build", "-C", yaml.toString());
            Main.run("build", "-C", yaml.toString(), "--json", "--profile", "production");
            Main.run("build", "-C", yaml.toString(), "--explain", "copy");
            Main.run("graph", "-C", npm.toString());
            Main.run("build", "-C", npm.toString(), "--dry-run");
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
