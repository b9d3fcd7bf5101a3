package dev.munero.core;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvent;
import dev.munero.llm.ChatModel;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A git repository in a temp dir, a store in it, and what a test run needs. */
final class RunFixture {
    static final ModelInfo PRICES = new ModelInfo(3, 15, 3.75, 0.3, 200_000, 64_000);
    static final String SPEC = "Add greeting.txt saying hello world.\n\nAcceptance: greeting.txt contains 'hello world'.";

    final Path repo;
    final List<RunEvent> published = new CopyOnWriteArrayList<>();

    RunFixture(Path dir) throws IOException, InterruptedException {
        this.repo = dir.resolve("repo");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("README.md"), "a project\n", StandardCharsets.UTF_8);
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "initial");
    }

    /** Runs git in {@code dir}; its output, stripped. @throws IOException when git fails */
    static String gitOutput(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + ": " + out);
        }
        return out.strip();
    }

    static void git(Path dir, String... args) throws IOException, InterruptedException {
        gitOutput(dir, args);
    }

    private RunFixture(Path repo, boolean existing) {
        this.repo = repo;
    }

    /** A fixture on a repository another fixture made (a child process's view). */
    static RunFixture existing(Path repo) {
        return new RunFixture(repo, true);
    }

    Store store() {
        try {
            Files.createDirectories(repo.resolve(".munero"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Store.open(BuildManager.databaseOf(repo), Clock.systemUTC());
    }

    static RunLimits limits(int agents, OptionalDouble budget) {
        return new RunLimits(budget, Duration.ofMinutes(5), 3, agents, 10, 1000, PermissionMode.AUTO_EDIT, List.of());
    }

    BuildManager.Session session(ChatModel model) {
        EventBus bus = new EventBus();
        bus.subscribe(published::add);
        return new BuildManager.Session(model, PRICES, System.getenv(), Sandbox.none(), Clock.systemUTC(), bus);
    }

    static List<String> types(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::type).toList();
    }

    /** A one-task plan whose check greps greeting.txt. */
    static String plan(String... taskIds) {
        StringBuilder tasks = new StringBuilder();
        for (String id : taskIds) {
            if (!tasks.isEmpty()) {
                tasks.append(',');
            }
            tasks.append("{\"id\":\"").append(id).append("\",\"description\":\"Write greeting.txt saying hello world ("
                    + id + ")\",\"files\":[\"greeting.txt\"],\"depends_on\":[]}");
        }
        return "{\"summary\":\"write the greeting\",\"tasks\":[" + tasks
                + "],\"checks\":[{\"name\":\"greeting\",\"run\":\"grep -q 'hello world' greeting.txt\"}]}";
    }

    /**
     * For a model hook: asks for a pause of this repository's run from another store connection (as
     * {@code munero pause} would), then waits to be interrupted by the run's stop watcher.
     *
     * @throws AssertionError when no interrupt comes within a minute
     */
    void pauseFromAnotherConnectionAndWait() throws InterruptedException {
        try (Store other = Store.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
            BuildManager.requestPause(other, other.runs().getFirst().id(), "test");
        }
        Thread.sleep(60_000); // interrupted by the run's watcher
        throw new AssertionError("the pause did not interrupt the agent");
    }

    static String write(String path, String content) {
        return "{\"path\":\"" + path + "\",\"content\":\"" + content + "\"}";
    }

    static String finish(String summary) {
        return "{\"summary\":\"" + summary + "\"}";
    }
}
