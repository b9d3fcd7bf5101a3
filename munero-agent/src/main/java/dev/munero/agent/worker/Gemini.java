package dev.munero.agent.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gemini CLI ({@code @google/gemini-cli}, tried with 0.61.0: it installs and prints {@code --version} here; no run
 * against a model, for want of a Gemini API fake) run headless: {@code gemini -o stream-json --approval-mode MODE
 * [-m M] [--session-id ID | --resume ID] --prompt=TEXT}. Approval modes: {@code ask} → {@code default},
 * {@code auto-edit} → {@code auto_edit}, {@code full} → {@code yolo}. Environment: {@code GEMINI_API_KEY} and
 * {@code GOOGLE_GEMINI_BASE_URL} when set; its state goes to {@code HOME/.gemini}.
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
        Files.createDirectories(task.home().resolve(".gemini"));
    }

    @Override
    public StreamParser parser() {
        return new GeminiStream();
    }
}
