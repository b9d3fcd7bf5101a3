package dev.munero.cli;

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
        Cli.Result run = Cli.run(cwd, env, argv.toArray(String[]::new));
        List<JsonNode> events = new ArrayList<>();
        if (argv.contains("--json")) {
            run.out().lines().filter(line -> !line.isBlank()).forEach(line -> events.add(JSON.readTree(line)));
        }
        return new AgentRun(run.exitCode(), run.out(), run.err(), events);
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
