package dev.munero.agent.worker;

import static dev.munero.agent.worker.StreamParsersTest.parse;
import static dev.munero.agent.worker.StreamParsersTest.recording;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.worker.StreamParsersTest.Parsed;
import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GeminiStream} on streams recorded from the real Gemini CLI 0.61.0 (issue 15): {@code
 * gemini-0.61.0-write-file.jsonl} from {@code RealCliWorkersTest} (the CLI against {@code FakeGeminiServer}: one
 * {@code write_file} call, then a text reply whose usage has 8 thinking tokens), {@code gemini-0.61.0-api-error.jsonl}
 * from a run whose API calls all failed (the CLI retried for about 3 minutes, then wrote an error result and exited 1),
 * with the failure modes of issue 15 mixed in.
 */
class GeminiStreamTest {
    private static final String WRITE_FILE = "gemini-0.61.0-write-file.jsonl";

    @TempDir
    Path dir;

    @Test
    void recordedStreamMapsSessionToolUseResultTextAndCountsThinkingAsOutput() throws IOException {
        Parsed p = parse(new Gemini(), recording(WRITE_FILE), "gemini-2.5-pro");

        assertThat(p.of(WorkerEvent.SessionStarted.class)).singleElement().satisfies(s -> {
            assertThat(s.sessionId()).isEqualTo("ecb2f0f9-2814-4251-81d0-f66fb124dee8");
            assertThat(s.model()).isEqualTo("gemini-2.5-pro");
        });
        assertThat(p.of(WorkerEvent.ToolUse.class)).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo("write_file__call_1");
            assertThat(t.name()).isEqualTo("write_file");
            assertThat(t.inputJson()).contains("\"file_path\":\"/tmp/ws/hello.txt\"");
        });
        assertThat(p.of(WorkerEvent.ToolResult.class)).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("write_file__call_1");
            assertThat(r.name()).isEqualTo("write_file");
            assertThat(r.error()).isFalse();
            assertThat(r.output()).isEmpty(); // 0.61 sends no output for a successful tool
        });
        assertThat(p.of(WorkerEvent.AssistantText.class)).extracting(WorkerEvent.AssistantText::text)
                .containsExactly("Done: w", "rote he", "llo.txt");
        assertThat(p.state().summary).isEqualTo("Done: wrote hello.txt");
        assertThat(p.state().turns).isEqualTo(1);
        assertThat(p.state().verdict).isEqualTo(StreamState.Final.SUCCESS);
        // stats: input_tokens 2700 (200 cached), output_tokens 52 (candidates only), total_tokens 2760
        assertThat(p.state().usage).isEqualTo(new Usage(2500, 60, 0, 200));
        assertThat(p.state().malformed).isZero();
    }

    @Test
    void geminiUsageIsUnpricedByTheShippedTableAndPricedByAUserGoogleEntry() throws IOException {
        Parsed shipped = parse(new Gemini(), recording(WRITE_FILE), "gemini-2.5-pro");
        Path table = dir.resolve("models.toml");
        Files.writeString(table, """
                [models."google:gemini-2.5-pro"]
                input = 1.25
                output = 10.0
                cache_read = 0.125
                """);
        StreamState priced = new StreamState(new GeminiStream(), ModelTable.withUserFile(table), "google",
                Optional.of("gemini-2.5-pro"));
        recording(WRITE_FILE).forEach(line -> priced.line(line, e -> { }));

        assertThat(shipped.state().costSource()).isEqualTo(CostSource.UNPRICED);
        assertThat(shipped.state().unpricedReason()).contains("google:gemini-2.5-pro").contains("models.toml");
        assertThat(priced.costSource()).isEqualTo(CostSource.PRICED);
        assertThat(priced.costUsd().getAsDouble()).isCloseTo((2500 * 1.25 + 60 * 10.0 + 200 * 0.125) / 1e6,
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aStreamCutBeforeItsResultHasNoVerdictAndNoUsage() throws IOException { // issue 15, #39700
        List<String> lines = recording(WRITE_FILE);
        Parsed p = parse(new Gemini(), lines.subList(0, lines.size() - 1), "gemini-2.5-pro");

        assertThat(p.state().verdict).isEqualTo(StreamState.Final.NONE);
        assertThat(p.state().sessionId).isEqualTo("ecb2f0f9-2814-4251-81d0-f66fb124dee8");
        assertThat(p.state().summary).isEqualTo("Done: wrote hello.txt");
        assertThat(p.state().usage).isEqualTo(Usage.ZERO); // Gemini CLI reports usage only in its result
    }

    @Test
    void unknownEventTypesAndMalformedLinesAreNotedAndSkippedNeverFatal() throws IOException { // issue 15
        List<String> lines = new ArrayList<>(recording(WRITE_FILE));
        lines.add(1, "{\"type\":\"thought\",\"subject\":\"planning\"}");
        lines.add(2, "not json at all");
        lines.add(3, "\"a string\"");
        lines.add(4, "{\"type\":\"tool_use\",\"tool_id\":[1],\"tool_name\":{}}");
        lines.add(5, "");
        Parsed p = parse(new Gemini(), lines, "gemini-2.5-pro");

        assertThat(p.state().verdict).isEqualTo(StreamState.Final.SUCCESS);
        assertThat(p.state().malformed).isEqualTo(3);
        assertThat(p.of(WorkerEvent.Note.class)).extracting(WorkerEvent.Note::text)
                .anySatisfy(t -> assertThat(t).contains("unknown event type \"thought\""))
                .anySatisfy(t -> assertThat(t).contains("line 3 is not JSON"))
                .anySatisfy(t -> assertThat(t).contains("line 4 is not an event"))
                .anySatisfy(t -> assertThat(t).contains("line 5 (tool_use) has an unexpected shape"));
        assertThat(p.of(WorkerEvent.ToolResult.class)).singleElement()
                .satisfies(r -> assertThat(r.name()).isEqualTo("write_file"));
        assertThat(p.state().usage).isEqualTo(new Usage(2500, 60, 0, 200));
    }

    @Test
    void aRecordedErrorResultIsAnErrorVerdictNamingTheApiError() throws IOException {
        Parsed p = parse(new Gemini(), recording("gemini-0.61.0-api-error.jsonl"), "gemini-2.5-pro");

        assertThat(p.state().verdict).isEqualTo(StreamState.Final.ERROR);
        assertThat(p.state().verdictDetail).contains("(unknown)").contains("fetch failed sending request");
        assertThat(p.state().sessionId).isEqualTo("e4aff24c-bbd9-450f-808b-c6f9d25649fe");
        assertThat(p.state().usage).isEqualTo(Usage.ZERO);
    }

    @Test
    void warningsAreDebugNotesAndErrorsAreWarningsButNeitherIsAVerdict() {
        Parsed p = parse(new Gemini(), List.of(
                "{\"type\":\"error\",\"severity\":\"warning\",\"message\":\"Loop detection is on\"}",
                "{\"type\":\"error\",\"severity\":\"error\",\"message\":\"Quota exceeded\"}"), null);

        assertThat(p.state().verdict).isEqualTo(StreamState.Final.NONE);
        assertThat(p.state().lastError).isEqualTo("Quota exceeded");
        assertThat(p.of(WorkerEvent.Note.class)).extracting(WorkerEvent.Note::level).containsExactly("debug", "warn");
    }

    @Test
    void theSpendOfAKilledGeminiTaskReadsBackAsUnknownUntilItsResult() throws IOException { // issue 15
        List<String> lines = recording(WRITE_FILE);
        Path kept = dir.resolve("stdout.jsonl");
        Files.write(kept, lines.subList(0, lines.size() - 1));

        WorkerResult cut = Workers.readBack("gemini", kept, Optional.of("google:gemini-2.5-pro"), ModelTable.builtIn());
        Files.write(kept, lines);
        WorkerResult whole = Workers.readBack("gemini", kept, Optional.of("google:gemini-2.5-pro"),
                ModelTable.builtIn());

        assertThat(cut.outcome()).isEqualTo(WorkerOutcome.CRASHED);
        assertThat(cut.sessionId()).contains("ecb2f0f9-2814-4251-81d0-f66fb124dee8");
        assertThat(cut.usage()).isEqualTo(Usage.ZERO);
        assertThat(whole.outcome()).isEqualTo(WorkerOutcome.FINISHED);
        assertThat(whole.usage()).isEqualTo(new Usage(2500, 60, 0, 200));
    }
}
