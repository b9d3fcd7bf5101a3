package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.MemoryBank;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The memory bank through a task agent's tools in a whole run (issue 14): scripted model, real git, real SQLite. */
class MemoryRunTest {
    @TempDir
    Path dir;

    @Test
    void aTaskAgentStoresANoteSearchesItAndAStaleWriteIsAToolErrorNamingTheCurrentVersionAndAuthor() throws Exception {
        // given a run whose agent stores a note, searches for it, then writes the same key again as if new
        RunFixture fx = new RunFixture(dir);
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                .task("greet",
                        "memory_store", "{\"key\":\"notes/greeting-check\",\"value\":\"the greeting check greps "
                                + "greeting.txt for hello world\",\"tags\":[\"greeting\"]}",
                        "memory_search", "{\"query\":\"what does the greeting check want\"}",
                        "memory_store", "{\"key\":\"notes/greeting-check\",\"value\":\"overwritten\"}",
                        "memory_get", "{\"key\":\"notes/greeting-check\"}",
                        "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"));
        try (Store store = fx.store()) {
            // when
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));

            // then the run passed, and its events show each memory tool call and what it answered
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<JsonNode> calls = store.events(outcome.runId(), 0).stream()
                    .filter(e -> e.type().equals("tool_call")).<JsonNode>map(StoredEvent::payload)
                    .filter(p -> p.path("name").asString().startsWith("memory_")).toList();
            assertThat(calls).extracting(p -> p.path("name").asString())
                    .containsExactly("memory_store", "memory_search", "memory_store", "memory_get");
            assertThat(calls.get(0).path("error").asBoolean()).isFalse();
            assertThat(calls.get(0).path("result").asString())
                    .isEqualTo("stored project/notes/greeting-check at version 1 (pass expected_version 1 to change it)");
            assertThat(calls.get(1).path("error").asBoolean()).isFalse();
            assertThat(calls.get(1).path("result").asString()).startsWith("1 hit (full-text search)")
                    .contains("1. project/notes/greeting-check (note, version 1, by agent agent-1, task greet, run "
                            + outcome.runId());
            // the second write did not read first: refused, naming the version and who wrote it; nothing lost
            assertThat(calls.get(2).path("error").asBoolean()).isTrue();
            assertThat(calls.get(2).path("result").asString()).contains("memory_store: memory entry "
                    + "project/notes/greeting-check was expected to be absent but is at version 1, written by agent "
                    + "agent-1, task greet, run " + outcome.runId());
            assertThat(calls.get(3).path("result").asString()).endsWith("the greeting check greps greeting.txt for "
                    + "hello world");

            // and the entry is in the database, attributed to the run's task
            try (MemoryBank memory = MemoryBank.open(store.file(), Clock.systemUTC())) {
                Entry note = memory.get("project", "notes/greeting-check").orElseThrow();
                assertThat(note.version()).isEqualTo(1);
                assertThat(note.value()).isEqualTo("the greeting check greps greeting.txt for hello world");
                assertThat(note.tags()).containsExactly("greeting");
                assertThat(note.author()).isEqualTo(new Author("agent-1", "greet", outcome.runId()));
            }
        }
    }
}
