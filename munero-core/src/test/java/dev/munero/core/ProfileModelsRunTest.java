package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.core.app.AppException;
import dev.munero.core.app.RunSessions;
import dev.munero.core.events.EventBus;
import dev.munero.llm.ModelRef;
import dev.munero.llm.UserConfig;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.FakeOpenAiServer;
import dev.munero.llm.fake.RecordedRequest;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent profiles with models of their own (issue 14): a task agent uses its profile's model, the reviewer its
 * profile's, each call budgeted and priced at its own model's prices, recorded, replayed and answered from the store
 * on resume; a profile model that cannot be used is refused before the run starts, naming its munero.yaml line.
 */
class ProfileModelsRunTest {
    private static final String RUN_MODEL = "anthropic:claude-sonnet-4-6";
    private static final String CODER_MODEL = "openai:gpt-5-mini";
    private static final String REVIEWER_MODEL = "anthropic:claude-haiku-4-5";
    private static final String KEY = "test-key";
    private static final String APPROVE = "{\"approved\":true,\"comments\":\"does the task\"}";
    /** 1,000 input and 100 output tokens at each model's built-in prices (per million: 3/15, 0.25/2, 1/5). */
    private static final double SONNET_CALL = (1000 * 3.0 + 100 * 15.0) / 1e6;
    private static final double MINI_CALL = (1000 * 0.25 + 100 * 2.0) / 1e6;
    private static final double HAIKU_CALL = (1000 * 1.0 + 100 * 5.0) / 1e6;

    @TempDir
    Path dir;

    private static final String PROFILES = """
            steps:
              - name: noop
                command: ["true"]
            agents:
              - name: coder-1
                role: coder
                model: %s
              - name: critic
                role: reviewer
                model: %s
            """;

    /** A repository in {@code where} whose munero.yaml is {@code yaml}, committed. */
    private static RunFixture fixture(Path where, String yaml) throws Exception {
        RunFixture fx = new RunFixture(where);
        Files.writeString(fx.repo.resolve("munero.yaml"), yaml, StandardCharsets.UTF_8);
        RunFixture.git(fx.repo, "add", "-A");
        RunFixture.git(fx.repo, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m",
                "profiles");
        return fx;
    }

    private static String coder(String plan) {
        return plan.replace("\"depends_on\":[]}", "\"depends_on\":[],\"role\":\"coder\",\"skills\":[]}");
    }

    /** An environment with no user config; {@code keys} adds the providers' keys and base URLs. */
    private Map<String, String> environment(Map<String, String> keys) {
        Map<String, String> env = new HashMap<>(keys);
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", dir.resolve("home").toString());
        env.put("MUNERO_CONFIG", dir.resolve("home/none/config.toml").toString());
        return env;
    }

    private static Map<String, String> flags(String budget) {
        return Map.of("model", RUN_MODEL, "sandbox", "off", "budget_usd", budget);
    }

    private static List<StoredEvent> ofType(List<StoredEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    private static BuildManager.Outcome run(RunFixture fx, RunSessions.Planned planned) throws Exception {
        try (RunSessions.Made made = planned.made(); Store store = fx.store()) {
            return BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md", planned.request().limits(),
                    made.session());
        }
    }

    @Test
    void eachProfilesCallsGoToItsOwnModelPricedAtItsPricesAndTheRecordingReplaysThem() throws Exception {
        RunFixture fx = fixture(dir.resolve("live"), PROFILES.formatted(CODER_MODEL, REVIEWER_MODEL));
        Path recording = dir.resolve("profiles.jsonl");
        BuildManager.Outcome outcome;
        List<RecordedRequest> anthropicRequests;
        List<RecordedRequest> openAiRequests;
        try (FakeAnthropicServer anthropic = new FakeAnthropicServer(KEY).start();
             FakeOpenAiServer openAi = new FakeOpenAiServer(KEY).start()) {
            anthropic.expect(Reply.toolCall("toolu_plan", "submit_plan", coder(plan("greet"))).usage(1000, 100))
                    .expect(Reply.toolCall("toolu_review", "submit_review", APPROVE).usage(1000, 100));
            openAi.expect(Reply.toolCall("call_w", "write_file", write("greeting.txt", "hello world\\n"))
                            .usage(1000, 100))
                    .expect(Reply.toolCall("call_f", "finish", finish("wrote it")).usage(1000, 100));
            String anthropicRoot = anthropic.baseUrl().substring(0, anthropic.baseUrl().length() - "/v1".length());
            Map<String, String> env = environment(Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL",
                    anthropicRoot, "OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", openAi.baseUrl()));
            RunSessions.Planned planned = RunSessions.start(fx.repo, RunFixture.SPEC, "SPEC.md", flags("5"), null,
                    recording, env, UserConfig.load(env), Clock.systemUTC(), new EventBus());
            outcome = run(fx, planned);
            anthropic.assertNoFailures();
            openAi.assertNoFailures();
            anthropicRequests = anthropic.requests();
            openAiRequests = openAi.requests();
        }

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
        // what each provider received: the planner and the reviewer on Anthropic (the run's model, then the
        // reviewer profile's), the coder profile's agent on OpenAI
        assertThat(anthropicRequests).extracting(r -> r.json().path("model").asString())
                .containsExactly("claude-sonnet-4-6", "claude-haiku-4-5");
        assertThat(openAiRequests).extracting(r -> r.json().path("model").asString())
                .containsExactly("gpt-5-mini", "gpt-5-mini");
        assertThat(openAiRequests.getFirst().body()).contains("Your task (id greet)");
        try (Store store = fx.store()) {
            List<StoredEvent> events = store.events(outcome.runId(), 0);
            assertThat(ofType(events, "model_call")).extracting(e -> e.payload().path("scope").asString(),
                    e -> e.payload().path("model").asString()).containsExactly(tuple("plan", RUN_MODEL),
                    tuple("task:1:greet", CODER_MODEL), tuple("task:1:greet", CODER_MODEL),
                    tuple("review:1:greet:1", REVIEWER_MODEL));
            assertThat(ofType(events, "model_call")).extracting(e -> e.payload().path("cost_usd").asDouble())
                    .satisfiesExactly(c -> assertThat(c).isCloseTo(SONNET_CALL, Offset.offset(1e-12)),
                            c -> assertThat(c).isCloseTo(MINI_CALL, Offset.offset(1e-12)),
                            c -> assertThat(c).isCloseTo(MINI_CALL, Offset.offset(1e-12)),
                            c -> assertThat(c).isCloseTo(HAIKU_CALL, Offset.offset(1e-12)));
            RunMetrics metrics = RunMetrics.of(events);
            assertThat(metrics.costByModel()).containsOnlyKeys(RUN_MODEL, CODER_MODEL, REVIEWER_MODEL);
            assertThat(metrics.costByModel().get(CODER_MODEL)).isCloseTo(2 * MINI_CALL, Offset.offset(1e-12));
            assertThat(outcome.costUsd()).isCloseTo(SONNET_CALL + 2 * MINI_CALL + HAIKU_CALL, Offset.offset(1e-12));
        }
        // one recording holds every model's calls, each line naming its model
        assertThat(Files.readAllLines(recording)).hasSize(4).anyMatch(l -> l.contains("\"model\":\"" + CODER_MODEL))
                .anyMatch(l -> l.contains("\"model\":\"" + REVIEWER_MODEL));

        // replayed in another repository with no key at all: the same calls, from the recording
        RunFixture again = fixture(dir.resolve("replayed"), PROFILES.formatted(CODER_MODEL, REVIEWER_MODEL));
        Map<String, String> noKeys = environment(Map.of());
        RunSessions.Planned replayed = RunSessions.start(again.repo, RunFixture.SPEC, "SPEC.md", flags("5"),
                recording, null, noKeys, UserConfig.load(noKeys), Clock.systemUTC(), new EventBus());
        BuildManager.Outcome second = run(again, replayed);
        assertThat(second.status()).as(second.message()).isEqualTo(BuildManager.Status.COMPLETED);
        try (Store store = again.store()) {
            assertThat(ofType(store.events(second.runId(), 0), "model_call"))
                    .extracting(e -> e.payload().path("model").asString())
                    .containsExactly(RUN_MODEL, CODER_MODEL, CODER_MODEL, REVIEWER_MODEL);
        }
        assertThat(second.costUsd()).isCloseTo(outcome.costUsd(), Offset.offset(1e-12));
    }

    @Test
    void aResumedSessionAnswersTheProfileModelsFinishedCallsFromTheStore() throws Exception {
        RunFixture fx = fixture(dir, """
                steps:
                  - name: noop
                    command: ["true"]
                agents:
                  - name: coder-1
                    role: coder
                    model: openai:gpt-5-mini
                """);
        ModelRef mini = ModelRef.parse(CODER_MODEL);
        RoleScriptedModel firstRun = new RoleScriptedModel().plan(coder(plan("greet")));
        RoleScriptedModel firstCoder = new RoleScriptedModel(mini)
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"))
                .hook((role, index) -> {
                    if (index == 1) { // the agent's second call
                        fx.pauseFromAnotherConnectionAndWait();
                    }
                });
        String id;
        try (Store store = fx.store()) {
            BuildManager.Outcome paused = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md",
                    limits(), session(fx, firstRun, firstCoder));
            id = paused.runId();
            assertThat(paused.status()).as(paused.message()).isEqualTo(BuildManager.Status.PAUSED);
        }
        RoleScriptedModel secondRun = new RoleScriptedModel();
        RoleScriptedModel secondCoder = new RoleScriptedModel(mini).task("greet", "finish", finish("done"));
        try (Store store = fx.store()) {
            BuildManager.Outcome done = BuildManager.resume(store, id, l -> l, session(fx, secondRun, secondCoder));

            assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(secondRun.calls()).isEmpty();
            assertThat(secondCoder.calls()).containsExactly("task:greet#0");
            List<StoredEvent> events = store.events(id, 0);
            // the agent's first call, made by the profile's model before the pause, came from the store
            assertThat(ofType(events, "model_call")).filteredOn(e -> e.payload().path("from_store").asBoolean())
                    .extracting(e -> e.payload().path("scope").asString(), e -> e.payload().path("index").asInt(),
                            e -> e.payload().path("model").asString())
                    .containsExactly(tuple("task:1:greet", 0, CODER_MODEL));
            assertThat(ofType(events, "model_call")).filteredOn(e -> !e.payload().path("from_store").asBoolean())
                    .extracting(e -> e.payload().path("model").asString()).contains(RUN_MODEL, CODER_MODEL);
        }
    }

    @Test
    void aPlannerProfilesModelPlansWhileTasksOfAProfileWithoutOneUseTheRunsModel() throws Exception {
        RunFixture fx = fixture(dir, """
                steps:
                  - name: noop
                    command: ["true"]
                agents:
                  - name: lead
                    role: planner
                    model: anthropic:claude-haiku-4-5
                  - name: coder-1
                    role: coder
                """);
        RoleScriptedModel run = new RoleScriptedModel()
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("done"));
        RoleScriptedModel planner = new RoleScriptedModel(ModelRef.parse(REVIEWER_MODEL)).plan(coder(plan("greet")));
        BuildManager.Session session = fx.session(run).withProfileModels(Map.of(REVIEWER_MODEL,
                new BuildManager.PricedModel(planner, ModelTable.builtIn().lookup(planner.model()))));
        try (Store store = fx.store()) {
            BuildManager.Outcome outcome = BuildManager.start(store, fx.repo, RunFixture.SPEC, "SPEC.md", limits(),
                    session);

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(planner.calls()).containsExactly("plan#0");
            assertThat(run.calls()).containsExactly("task:greet#0", "task:greet#1");
            assertThat(ofType(store.events(outcome.runId(), 0), "model_call"))
                    .extracting(e -> e.payload().path("scope").asString(), e -> e.payload().path("model").asString())
                    .containsExactly(tuple("plan", REVIEWER_MODEL), tuple("task:1:greet", RUN_MODEL),
                            tuple("task:1:greet", RUN_MODEL));
        }
    }

    private static RunLimits limits() {
        return new RunLimits(OptionalDouble.of(5), Duration.ofMinutes(5), 3, 1, 10, 1000, PermissionMode.AUTO_EDIT,
                List.of(), true, 2);
    }

    private static BuildManager.Session session(RunFixture fx, RoleScriptedModel run, RoleScriptedModel coder) {
        return fx.session(run).withProfileModels(Map.of(CODER_MODEL, new BuildManager.PricedModel(coder,
                ModelTable.builtIn().lookup(coder.model()))));
    }

    @Test
    void aProfileModelWithoutAKeyOrWithoutAPriceUnderABudgetIsRefusedBeforeTheRunNamingItsLine() throws Exception {
        RunFixture fx = fixture(dir, PROFILES.formatted(CODER_MODEL, "anthropic:claude-nonesuch"));
        Map<String, String> anthropicOnly = environment(Map.of("ANTHROPIC_API_KEY", KEY));
        assertThatThrownBy(() -> RunSessions.start(fx.repo, RunFixture.SPEC, "SPEC.md", flags("5"), null, null,
                anthropicOnly, UserConfig.load(anthropicOnly), Clock.systemUTC(), new EventBus()))
                .isInstanceOf(AppException.class)
                .hasMessageContaining("munero.yaml:5")
                .hasMessageContaining("profile coder-1 has model " + CODER_MODEL)
                .hasMessageContaining("OPENAI_API_KEY");

        Map<String, String> both = environment(Map.of("ANTHROPIC_API_KEY", KEY, "OPENAI_API_KEY", KEY));
        assertThatThrownBy(() -> RunSessions.start(fx.repo, RunFixture.SPEC, "SPEC.md", flags("5"), null, null,
                both, UserConfig.load(both), Clock.systemUTC(), new EventBus()))
                .isInstanceOf(AppException.class)
                .hasMessageContaining("munero.yaml:8")
                .hasMessageContaining("profile critic has model anthropic:claude-nonesuch")
                .hasMessageContaining("a budget (--budget-usd) needs its price");
        try (Store store = fx.store()) {
            assertThat(store.runs()).isEmpty();
        }
    }
}
