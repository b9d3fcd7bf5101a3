package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.events.RunEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console of {@code munero run} says how each MCP server started and changed (issue 13). */
class RunConsoleMcpTest {
    private static RunEvent.McpStatus.Server server(String name, String state, String error, int restarts) {
        return new RunEvent.McpStatus.Server(name, state, name.equals("mem"), state.equals("up")
                ? "secure-filesystem-server 0.2.0" : null, state.equals("up") ? 14 : 0, List.of(),
                state.equals("up") ? 412L : null, error, restarts);
    }

    private static String print(RunEvent... events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunConsole console = new RunConsole(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false,
                RunConsole.Level.INFO, Clock.systemUTC());
        for (RunEvent e : events) {
            console.accept(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOneLinePerServerAtTheStartAndALineForEachChange() {
        String out = print(
                new RunEvent.McpStatus("degraded", List.of(server("fs", "up", null, 0),
                        server("mem", "down", "did not answer initialize within 60 s", 0)), "start"),
                new RunEvent.McpStatus("degraded", List.of(server("fs", "restarting", "exited with code 137", 1)),
                        "change"),
                new RunEvent.McpStatus("ready", List.of(server("fs", "up", null, 1)), "change"));

        assertThat(out).isEqualTo("""
                  MCP server fs: up, 14 tools (secure-filesystem-server 0.2.0, 412 ms)
                  MCP server mem: down: did not answer initialize within 60 s (required)
                  MCP server fs: restarting: exited with code 137 [1 restart]
                  MCP server fs: up, 14 tools (secure-filesystem-server 0.2.0, 412 ms) [1 restart]
                """);
    }

    @Test
    void aRunWithoutServersAndRowsBeforeIssue13PrintNothing() {
        assertThat(print(new RunEvent.McpStatus("none", List.of(), "start"),
                new RunEvent.McpStatus("no MCP servers: MCP support is not built yet", List.of(), null))).isEmpty();
    }
}
