package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.store.RunRecord;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 a real child process mid-run, resume, and prove from the event log that no completed call was re-sent. */
class ResumeAfterKillTest {
    @TempDir
    Path dir;

    @Test
    void aRunKilledMidTaskResumesWithoutRepeatingACompletedModelCall() throws Exception {
        RunFixture fx = new RunFixture(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), RunUntilKilled.class.getName(), fx.repo.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            for (String line = out.readLine(); line != null && !line.equals("ready"); line = out.readLine()) {
                seen.append(line).append('\n');
            }
            assertThat(child.isAlive()).as("the child died before the kill point:\n%s", seen).isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        RoleScriptedModel model = new RoleScriptedModel().task("greet", "finish", finish("wrote it"));
        try (Store store = fx.store()) {
            RunRecord killed = store.runs().getFirst();
            assertThat(killed.state()).isEqualTo("Building");
            // the killed task's file lease outlives it (issue 14): it would block other runs until it expires
            assertThat(store.fileLeases().list()).singleElement().satisfies(row -> {
                assertThat(row.runId()).isEqualTo(killed.id());
                assertThat(row.path()).isEqualTo("greeting.txt");
                assertThat(row.expiresAt()).isAfter(Instant.now());
            });
            BuildManager.Outcome outcome = BuildManager.resume(store, killed.id(), l -> l, fx.session(model));

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(store.fileLeases().list()).isEmpty(); // the resumed session released and re-leased it
            // only the call that never completed went to the model
            assertThat(model.calls()).containsExactly("task:greet#0");
            List<StoredEvent> events = store.events(killed.id(), 0);
            Set<String> sent = new HashSet<>();
            for (StoredEvent e : events) {
                if (e.type().equals("model_call") && !e.payload().path("from_store").asBoolean()) {
                    String call = e.payload().path("scope").asString() + "#" + e.payload().path("index").asInt();
                    assertThat(sent.add(call)).as("model call %s was sent twice", call).isTrue();
                }
            }
            assertThat(sent).containsExactlyInAnyOrder("plan#0", "task:1:greet#0", "task:1:greet#1");
            assertThat(events).filteredOn(e -> e.type().equals("model_call") && e.payload().path("from_store")
                    .asBoolean()).extracting(e -> e.payload().path("scope").asString() + "#"
                    + e.payload().path("index").asInt()).containsExactly("task:1:greet#0");
            assertThat(events).filteredOn(e -> e.type().equals("session_started")).hasSize(2);
        }
    }
}
