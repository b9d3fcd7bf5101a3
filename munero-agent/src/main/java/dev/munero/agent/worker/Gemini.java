package dev.munero.agent.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gemini CLI ({@code @google/gemini-cli}, tried with 0.61.0 against Munero's strict Gemini API fake) run headless:
 * {@code gemini -o stream-json --approval-mode MODE [-m M] [--session-id ID | --resume ID] --prompt=TEXT}. Approval
 * modes: {@code ask} → {@code default} (in headless mode a tool that needs approval is refused), {@code auto-edit} →
 * {@code auto_edit}, {@code full} → {@code yolo}. {@code --resume} takes the session's UUID (0.61 also takes
 * {@code latest} or an index); a session is found by its workspace, so a resumed task needs the same workspace and
 * home.
 *
 * <p>Environment: {@code GEMINI_API_KEY} and, when set, {@code GOOGLE_GEMINI_BASE_URL} (the SDK appends
 * {@code /v1beta/models/...}). Its home ({@code HOME/.gemini}) gets a {@code settings.json}, replaced at each start,
 * that 0.61 needs to run headless and quiet:
 * <ul>
 *   <li>{@code security.auth.selectedType = "gemini-api-key"}: without it, {@code GOOGLE_GEMINI_BASE_URL} makes the
 *       CLI pick its {@code gateway} auth type, which headless mode refuses ("Invalid auth method selected.",
 *       exit 41);</li>
 *   <li>{@code security.folderTrust.enabled = false} unless the mode is {@code ask}: an untrusted folder turns
 *       {@code auto_edit} and {@code yolo} back into {@code default}; a trusted one also applies the workspace's own
 *       {@code .gemini/settings.json}, inside the sandbox like the rest of the CLI;</li>
 *   <li>no usage statistics ({@code privacy.usageStatisticsEnabled}), telemetry, auto-update or update notice, IDE
 *       connection, and {@code tools.useRipgrep = false} (it would download a ripgrep binary).</li>
 * </ul>
 */
final class Gemini implements CliDialect {
    static final String NAME = "gemini";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String program() {
        return "gemini";
    }

    @Override
    public String pricingProvider() {
        return "google";
    }

    @Override
    public String keyVariable() {
        return "GEMINI_API_KEY";
    }

    @Override
    public boolean promptOnStdin() {
        return false;
    }

    @Override
    public List<String> command(Path executable, WorkerTask task) {
        List<String> argv = new ArrayList<>(List.of(executable.toString(), "-o", "stream-json", "--approval-mode",
                switch (task.permissions()) {
                    case ASK -> "default";
                    case AUTO_EDIT -> "auto_edit";
                    case FULL -> "yolo";
                }));
        task.cliModel().ifPresent(m -> argv.addAll(List.of("-m", m)));
        task.sessionId().ifPresent(id -> argv.addAll(List.of(task.resume() ? "--resume" : "--session-id", id)));
        argv.add("--prompt=" + task.prompt());
        return argv;
    }

    @Override
    public Map<String, String> environment(WorkerTask task) {
        return CliEnvironment.base(task, keyVariable(), "GOOGLE_GEMINI_BASE_URL");
    }

    @Override
    public void prepareHome(WorkerTask task) throws IOException {
        Path dir = Files.createDirectories(task.home().resolve(".gemini"));
        Path tmp = Files.createTempFile(dir, "settings", ".json.tmp");
        Files.writeString(tmp, settings(task), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("settings.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The {@code settings.json} for {@code task} (see the class comment). */
    static String settings(WorkerTask task) {
        return """
                {
                  "security": {
                    "auth": {"selectedType": "gemini-api-key"},
                    "folderTrust": {"enabled": %s}
                  },
                  "privacy": {"usageStatisticsEnabled": false},
                  "telemetry": {"enabled": false},
                  "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
                  "ide": {"enabled": false},
                  "tools": {"useRipgrep": false}
                }
                """.formatted(task.permissions() == dev.munero.agent.safety.PermissionMode.ASK);
    }

    @Override
    public StreamParser parser() {
        return new GeminiStream();
    }
}
