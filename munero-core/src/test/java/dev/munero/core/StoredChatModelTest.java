package dev.munero.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Requests;
import dev.munero.llm.ScriptedChatModel;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class StoredChatModelTest {
    private static final ModelRef MODEL = ModelRef.parse("anthropic:claude-sonnet-4-6");
    private static final ModelInfo PRICES = new ModelInfo(3, 15, 3.75, 0.3, 200_000, 64_000);

    @TempDir
    Path dir;

    private Store store() {
        Store store = Store.open(dir.resolve("munero.db"), Clock.systemUTC());
        if (store.run("r1").isEmpty()) {
            var json = JsonMapper.builder().build();
            store.createRun("r1", RunState.BUILDING.label(), json.createObjectNode(), json.createObjectNode());
        }
        return store;
    }

    private StoredChatModel stored(Store store, ScriptedChatModel delegate) {
        return new StoredChatModel(delegate, store, "r1", "task:1", PRICES, Map.of(), Clock.systemUTC());
    }

    private static List<ChatRequest> conversation() {
        return List.of(Requests.ask("one"), Requests.ask("two"), Requests.ask("three"), Requests.ask("four"));
    }

    /** A first run of the scope: calls "one", "two", "three" answered "a1", "a2", "a3", then the run dies. */
    private void firstRunCompletesThreeCalls() throws InterruptedException {
        try (Store store = store()) {
            var first = new ScriptedChatModel(MODEL).thenAnswer(ScriptedChatModel.reply("a1"))
                    .thenAnswer(ScriptedChatModel.reply("a2")).thenAnswer(ScriptedChatModel.reply("a3"));
            var model = stored(store, first);
            for (ChatRequest request : conversation().subList(0, 3)) {
                model.chat(request);
            }
            assertThat(first.calls()).isEqualTo(3);
        }
    }

    @Test
    void aResumedScopeAnswersItsCompletedCallsFromTheStoreAndPaysOnlyForNewOnes() throws Exception {
        // given: a first run that completed three calls before it died
        firstRunCompletesThreeCalls();

        // when: the resumed run makes the same three calls and a fourth
        try (Store store = store()) {
            var resumed = new ScriptedChatModel(MODEL).thenAnswer(ScriptedChatModel.reply("a4"));
            var model = stored(store, resumed);
            List<String> answers = new java.util.ArrayList<>();
            for (ChatRequest request : conversation()) {
                answers.add(model.chat(request).message().text());
            }

            // then: only the fourth reached the model
            assertThat(answers).containsExactly("a1", "a2", "a3", "a4");
            assertThat(resumed.calls()).isEqualTo(1);
            assertThat(model.answeredFromStore()).isEqualTo(3);
            assertThat(store.modelCall("r1", "task:1", 3)).hasValueSatisfying(call ->
                    assertThat(call.costUsd()).isPresent());
        }
    }

    @Test
    void onceARequestDiffersFromTheKeptOneEveryLaterCallGoesToTheModel() throws Exception {
        firstRunCompletesThreeCalls();
        try (Store store = store()) {
            var resumed = new ScriptedChatModel(MODEL).thenAnswer(ScriptedChatModel.reply("b2"))
                    .thenAnswer(ScriptedChatModel.reply("b3"));
            var model = stored(store, resumed);

            assertThat(model.chat(Requests.ask("one")).message().text()).isEqualTo("a1");
            assertThat(model.chat(Requests.ask("two, changed")).message().text()).isEqualTo("b2");
            // the same request as the first run's third call, but after a divergence it is a new call
            assertThat(model.chat(Requests.ask("three")).message().text()).isEqualTo("b3");
            assertThat(resumed.calls()).isEqualTo(2);
        }
    }
}
