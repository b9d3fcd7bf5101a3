package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 9.9: the progress bar and help text fit the user's terminal, also through the daemon, and a failed build's bar never says 100%. */
class TerminalWidthTest {
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

    @TempDir
    Path dir;

    @Test
    void theDaemonRequestCarriesTheTerminalWidth() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DaemonProtocol.writeRequest(new DataOutputStream(bytes),
                new DaemonProtocol.Request(List.of("build"), "/repo", Map.of("A", "1"), true, 50));

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(in.readInt()).isEqualTo(DaemonProtocol.MAGIC_RUN);
        DaemonProtocol.Request r = DaemonProtocol.readRequest(in);

        assertThat(r.columns()).isEqualTo(50);
        assertThat(r.interactive()).isTrue();
        assertThat(r.args()).containsExactly("build");
        assertThat(new DaemonProtocol.Request(List.of(), "/", Map.of(), false).columns()).as("unknown").isZero();
    }

    /** Runs {@code munero build} through a real daemon on a Unix socket, as on a terminal of {@code columns}. */
    private String buildThroughDaemon(Path repo, int columns, String... extra) throws Exception {
        try (DaemonServer server = DaemonServer.start(dir.resolve("run/d.sock"), Duration.ofMinutes(5))) {
            List<String> args = new java.util.ArrayList<>(List.of("build", "-C", repo.toString()));
            args.addAll(Arrays.asList(extra));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DaemonClient.call(DaemonClient.connect(dir.resolve("run/d.sock")),
                    new DaemonProtocol.Request(args, repo.toString(), System.getenv(), true, columns),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), false);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** What the terminal shows on each line, each carriage return starting a redraw. */
    private static List<String> drawnSegments(String out) {
        return Arrays.stream(out.split("[\r\n]")).map(s -> ANSI.matcher(s).replaceAll("")).toList();
    }

    private static List<String> barSegments(String out) {
        return drawnSegments(out).stream().filter(s -> s.startsWith("munero ") && s.contains("%")).toList();
    }

    @Test
    void throughTheDaemonTheProgressBarFitsA50ColumnTerminal() throws Exception {
        Path repo = dir.resolve("repo");
        Cli.write(repo, "munero.yaml", """
                steps:
                  - name: a-step-with-a-rather-long-name
                    command: "sleep 1"
                    shell: true
                    cache: false
                  - name: another-step-with-a-long-name
                    command: "sleep 1"
                    shell: true
                    cache: false
                """);

        String out = buildThroughDaemon(repo, 50);

        List<String> bars = barSegments(out);
        assertThat(bars).as(out).isNotEmpty();
        assertThat(bars).allSatisfy(s -> assertThat(s.length()).as(s).isLessThan(50));
        assertThat(bars.get(bars.size() - 1)).contains("100%");
        // at 120 columns the bar has room for the running steps
        assertThat(barSegments(buildThroughDaemon(repo, 120))).anySatisfy(s -> assertThat(s).contains("running: "))
                .allSatisfy(s -> assertThat(s.length()).isLessThan(120));
    }

    @Test
    void aFailedBuildsProgressBarNeverShows100Percent() throws Exception {
        Path repo = dir.resolve("failing");
        Cli.write(repo, "munero.yaml", """
                steps:
                  - name: ok
                    command: "sleep 1"
                    shell: true
                  - name: broken
                    command: "sleep 1; exit 3"
                    shell: true
                  - name: after
                    command: "true"
                    shell: true
                    dependsOn: [broken]
                """);

        String out = buildThroughDaemon(repo, 80, "-k");

        List<String> bars = barSegments(out);
        assertThat(bars).as(out).isNotEmpty().noneSatisfy(s -> assertThat(s).contains("100%"));
        assertThat(bars.get(bars.size() - 1)).contains("1/3", "FAILED");
        assertThat(out).contains("FAILED in");
    }

    @ParameterizedTest
    @ValueSource(ints = {50, 80, 120})
    void helpTextWrapsBetweenWordsAtTheTerminalsWidth(int columns) {
        String narrow = help(columns);
        String wide = help(400);

        assertThat(narrow.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(columns));
        // the same words in the same order: every line break fell between two words
        assertThat(words(narrow)).isEqualTo(words(wide));
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private String help(int columns) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            Invocation inv = new Invocation(o, o, System.getenv(), dir, false, onInterrupt -> () -> { }, null, columns);
            assertThat(Main.run(inv, "build", "--help")).isZero();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
