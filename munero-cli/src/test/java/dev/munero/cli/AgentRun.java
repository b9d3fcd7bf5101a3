package dev.munero.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code munero agent} run in this JVM through {@link Main#run(Invocation, String...)}: its exit code, output,
 * and the {@code --json} events (empty without {@code --json}). Shared by the agent's CLI tests.
 */
record AgentRun(int exitCode, String out, String err, List<JsonNode> events) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Runs {@code munero agent args...} with captured streams, exactly {@code env}, and {@code cwd}. */
    static AgentRun of(Path cwd, Map<String, String> env, Object... args) {
        List<String> argv = new ArrayList<>(List.of("agent"));
        for (Object arg : args) {
            argv.add(arg.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            Invocation invocation = new Invocation(o, e, Map.copyOf(env), cwd, false, onInterrupt -> () -> { }, null);
            code = Main.run(invocation, argv.toArray(String[]::new));
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        List<JsonNode> events = new ArrayList<>();
        if (argv.contains("--json")) {
            stdout.lines().filter(line -> !line.isBlank()).forEach(line -> events.add(JSON.readTree(line)));
        }
        return new AgentRun(code, stdout, err.toString(StandardCharsets.UTF_8), events);
    }

    /** The last {@code --json} line: the {@code result}. */
    JsonNode result() {
        return events.getLast();
    }

    /** The events of one kind, e.g. {@code model_responded}. */
    List<JsonNode> events(String kind) {
        return events.stream().filter(e -> e.path("event").asString("").equals(kind)).toList();
    }

    @Override
    public String toString() {
        return "exit code " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
