package dev.munero.server;

import dev.munero.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A child process writing a run's event log the way a {@code munero run} in a terminal does (another process, the
 * same SQLite file): {@code LogWriter DB RUN COUNT BYTES} appends COUNT {@code tool_call} events of about BYTES
 * each to the existing run RUN, then moves it to Completed.
 */
public final class LogWriter {
    private LogWriter() {
    }

    public static void main(String[] args) {
        Path db = Path.of(args[0]);
        String run = args[1];
        int count = Integer.parseInt(args[2]);
        String blob = "x".repeat(Integer.parseInt(args[3]));
        try (Store store = Store.open(db, Clock.systemUTC())) {
            for (int i = 1; i <= count; i++) {
                ObjectNode payload = JsonNodeFactory.instance.objectNode().put("i", i).put("output", blob);
                store.append(run, "tool_call", payload, r -> r);
            }
            store.append(run, "run_completed", JsonNodeFactory.instance.objectNode().put("message", "done"),
                    r -> r.withState("Completed"));
        }
    }
}
