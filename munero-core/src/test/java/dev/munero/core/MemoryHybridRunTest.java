package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.memory.MemoryBank;
import dev.munero.memory.embed.BagOfWords;
import dev.munero.memory.embed.FakeEmbeddingServer;
import dev.munero.memory.embed.FakeEmbeddingServer.Protocol;
import dev.munero.memory.embed.FakeEmbeddingServer.Reply;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code munero run}'s memory bank gets the embedder munero.yaml configures (issue 14): the agents' memory_store embeds
 * what they store and memory_search is hybrid. Scripted model, real git, real SQLite, and the strict fake Ollama
 * embedding server on 127.0.0.1 (munero-memory's test-jar).
 */
class MemoryHybridRunTest {
    @TempDir
    Path dir;

    private static void configure(RunFixture fx, String embeddings) throws Exception {
        Files.writeString(fx.repo.resolve("munero.yaml"), "steps:\n  - name: build\n    command: [\"true\"]\n"
                + "memory:\n  embeddings:\n" + embeddings);
        RunFixture.git(fx.repo, "add", "munero.yaml");
        RunFixture.git(fx.repo, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m",
                "embeddings");
    }

    @Test
    void aTaskAgentSMemoryStoreIsEmbeddedAndItsMemorySearchIsHybridWithTheConfiguredEmbedder() throws Exception {
        RunFixture fx = new RunFixture(dir);
        try (FakeEmbeddingServer server = new FakeEmbeddingServer(Protocol.OLLAMA, null).start()) {
            server.expectAny(Reply.vectors(BagOfWords::vector));
            // given munero.yaml naming an Ollama embedder at the fake, and an agent that stores a note and searches
            configure(fx, "    provider: ollama\n    model: nomic-embed-text\n    url: " + server.baseUrl() + "\n");
            RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"))
                    .task("greet",
                            "memory_store", "{\"key\":\"notes/greeting-check\",\"value\":\"the greeting check greps "
                                    + "greeting.txt for hello world\",\"tags\":[\"greeting\"]}",
                            "memory_search", "{\"query\":\"what does the greeting check want\"}",
                            "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"));
            try (Store store = fx.store()) {
                // when
                BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                        RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));

                // then the search the agent made was hybrid, and found the note by both rankings
                assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
                List<JsonNode> calls = store.events(outcome.runId(), 0).stream()
                        .filter(e -> e.type().equals("tool_call")).<JsonNode>map(StoredEvent::payload)
                        .filter(p -> p.path("name").asString().startsWith("memory_")).toList();
                assertThat(calls).extracting(p -> p.path("name").asString())
                        .containsExactly("memory_store", "memory_search");
                assertThat(calls.get(1).path("error").asBoolean()).isFalse();
                assertThat(calls.get(1).path("result").asString()).startsWith("1 hit (hybrid search")
                        .contains("project/notes/greeting-check");
                // the fake saw the stored note's text and the query, as Ollama /api/embed requests
                assertThat(server.bodies()).extracting(b -> b.path("model").asString()).containsOnly("nomic-embed-text");
                assertThat(server.bodies().toString()).contains("the greeting check greps greeting.txt")
                        .contains("what does the greeting check want");
            }
            // and the note has its vector of that model in the run database
            try (MemoryBank memory = MemoryBank.open(dev.munero.core.BuildManager.databaseOf(fx.repo),
                    Clock.systemUTC())) {
                assertThat(memory.stats().vectors()).isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    void aRunWhoseEmbeddingsSettingCannotBeMetFailsBeforePlanningNamingTheSettingAndTheFix() throws Exception {
        // given munero.yaml asking for the in-process embedder, whose module munero-core's tests do not have
        RunFixture fx = new RunFixture(dir);
        configure(fx, "    provider: onnx\n");
        RoleScriptedModel model = new RoleScriptedModel().plan(plan("greet"));
        try (Store store = fx.store()) {
            // when
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    RunFixture.limits(1, OptionalDouble.empty()), fx.session(model));

            // then it failed at once, saying where the setting is and how to add the module; no model call was made
            assertThat(outcome.status()).isEqualTo(BuildManager.Status.FAILED);
            assertThat(outcome.message()).contains("memory embeddings").contains("munero.yaml:5")
                    .contains("munero-memory-onnx").contains("MUNERO_WITH=onnx");
            assertThat(store.events(outcome.runId(), 0)).extracting(StoredEvent::type).doesNotContain("plan_accepted");
        }
    }
}
