package dev.munero.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Gemini dialect around {@link CliWorker} (issue 15): its command line, the {@code settings.json} Gemini CLI
 * 0.61.0 needs to run headless, and the outcomes of its exits, on real child processes (a shell script stands in for
 * the CLI and replays what the real one printed: the recorded streams, and the exit 41 with no stream that 0.61 gives
 * when its auth type is refused).
 */
class GeminiWorkerTest {
    private static final String SESSION = "ecb2f0f9-2814-4251-81d0-f66fb124dee8";

    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path file = dir.resolve("gemini");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private WorkerTask task(PermissionMode mode, boolean resume) throws IOException {
        Path ws = Files.createDirectories(dir.resolve("ws"));
        return new WorkerTask("write hello.txt", ws, dir.resolve("home"), dir.resolve("logs"),
                Optional.of("google:gemini-2.5-pro"), mode, Sandbox.none(),
                Map.of("PATH", System.getenv("PATH"), "GEMINI_API_KEY", "test-key", "GOOGLE_GEMINI_BASE_URL",
                        "http://127.0.0.1:9", "OPENAI_API_KEY", "not-for-gemini"), Optional.empty(),
                Optional.of(SESSION), resume, new WorkerLimits(OptionalDouble.empty(), Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofMinutes(10)));
    }

    private WorkerResult run(Path exe, WorkerTask task) throws Exception {
        return new CliWorker(new Gemini(), exe, ModelTable.builtIn()).run(task, WorkerListener.NONE);
    }

    @Test
    void theCommandLineStartsOrResumesTheSessionWithTheMappedApprovalMode() throws Exception {
        Path exe = Path.of("/opt/gemini");

        assertThat(new Gemini().command(exe, task(PermissionMode.AUTO_EDIT, false))).containsExactly("/opt/gemini",
                "-o", "stream-json", "--approval-mode", "auto_edit", "-m", "gemini-2.5-pro", "--session-id", SESSION,
                "--prompt=write hello.txt");
        assertThat(new Gemini().command(exe, task(PermissionMode.FULL, true))).containsSequence("--approval-mode",
                "yolo").containsSequence("--resume", SESSION).doesNotContain("--session-id");
        assertThat(new Gemini().command(exe, task(PermissionMode.ASK, false))).containsSequence("--approval-mode",
                "default");
    }

    @Test
    void itsHomeGetsApiKeyAuthNoTelemetryNoUpdatesAndFolderTrustOnlyInAskMode() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        Gemini gemini = new Gemini();
        WorkerTask edit = task(PermissionMode.AUTO_EDIT, false);
        gemini.prepareHome(edit);
        JsonNode settings = json.readTree(edit.home().resolve(".gemini/settings.json").toFile());

        assertThat(settings.at("/security/auth/selectedType").asString()).isEqualTo("gemini-api-key");
        assertThat(settings.at("/security/folderTrust/enabled").asBoolean()).isFalse();
        assertThat(settings.at("/privacy/usageStatisticsEnabled").asBoolean()).isFalse();
        assertThat(settings.at("/telemetry/enabled").asBoolean()).isFalse();
        assertThat(settings.at("/general/enableAutoUpdate").asBoolean()).isFalse();
        assertThat(settings.at("/general/enableAutoUpdateNotification").asBoolean()).isFalse();
        assertThat(settings.at("/ide/enabled").asBoolean()).isFalse();
        assertThat(settings.at("/tools/useRipgrep").asBoolean()).isFalse();

        WorkerTask ask = task(PermissionMode.ASK, false);
        gemini.prepareHome(ask);
        assertThat(json.readTree(ask.home().resolve(".gemini/settings.json").toFile())
                .at("/security/folderTrust/enabled").asBoolean()).isTrue();
        try (var files = Files.list(ask.home().resolve(".gemini"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("settings.json"); // no temp left
        }
    }

    @Test
    void itsEnvironmentHoldsItsKeyAndBaseUrlAndNoOtherProvidersKey() throws Exception {
        Map<String, String> env = new Gemini().environment(task(PermissionMode.AUTO_EDIT, false));

        assertThat(env).containsEntry("GEMINI_API_KEY", "test-key")
                .containsEntry("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9")
                .containsEntry("HOME", dir.resolve("home").toString())
                .doesNotContainKey("OPENAI_API_KEY");
    }

    @Test
    void aRefusedAuthTypeExitsWithoutAStreamAndIsACrashQuotingStderr() throws Exception { // issue 15
        // what 0.61.0 does when GOOGLE_GEMINI_BASE_URL is set and no auth type is configured (recorded)
        Path exe = script("echo 'Invalid auth method selected.' >&2\nexit 41");

        WorkerResult r = run(exe, task(PermissionMode.AUTO_EDIT, false));

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.CRASHED);
        assertThat(r.exitCode()).hasValue(41);
        assertThat(r.detail()).contains("without a final event").contains("exit code 41")
                .contains("Invalid auth method selected.");
    }

    @Test
    void aNonZeroExitAfterAnErrorResultIsAnErrorWithTheApiMessage() throws Exception { // issue 15
        Path stream = dir.resolve("error.jsonl");
        Files.write(stream, StreamParsersTest.recording("gemini-0.61.0-api-error.jsonl"));
        Path exe = script("cat '" + stream + "'\nexit 1");

        WorkerResult r = run(exe, task(PermissionMode.AUTO_EDIT, false));

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.ERROR);
        assertThat(r.detail()).contains("fetch failed sending request").contains("exit code 1");
        assertThat(r.sessionId()).contains("e4aff24c-bbd9-450f-808b-c6f9d25649fe");
    }

    @Test
    void aRecordedSuccessfulStreamWithExitZeroFinishesWithItsUsage() throws Exception {
        Path stream = dir.resolve("ok.jsonl");
        Files.write(stream, StreamParsersTest.recording("gemini-0.61.0-write-file.jsonl"));
        Path exe = script("cat '" + stream + "'\nexit 0");

        WorkerResult r = run(exe, task(PermissionMode.AUTO_EDIT, false));

        assertThat(r.outcome()).isEqualTo(WorkerOutcome.FINISHED);
        assertThat(r.usage()).isEqualTo(new Usage(2500, 60, 0, 200));
        assertThat(r.costSource()).isEqualTo(CostSource.UNPRICED);
        assertThat(r.detail()).contains("cost unknown").contains("google:gemini-2.5-pro");
        assertThat(r.summary()).isEqualTo("Done: wrote hello.txt");
    }
}
