package dev.munero.temporal.calls;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.Message;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.temporal.Heartbeats;
import dev.munero.temporal.wire.RunInput;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link CallsActivity} as a phase uses {@link WorkerActivityModels}: one growing conversation in the attempt's own
 * worktree directory (whose path holds the attempt number), its model opened with the attempt's heartbeats.
 */
public final class CallsActivityImpl implements CallsActivity {
    final AtomicInteger attempts = new AtomicInteger();
    final List<String> notes = new CopyOnWriteArrayList<>();
    /** Attempt 1 fails after this many calls (0: never). */
    volatile int failFirstAttemptAfter;
    /** Runs when attempt 2 starts. */
    volatile Runnable beforeRetry = () -> { };

    private final WorkerActivityModels models;
    private final ChatModel provider;
    private final ModelInfo prices;
    private final Path workDir;

    public CallsActivityImpl(WorkerActivityModels models, ChatModel provider, ModelInfo prices, Path workDir) {
        this.models = models;
        this.provider = provider;
        this.prices = prices;
        this.workDir = workDir;
    }

    @Override
    public List<String> call(RunInput run, List<String> prompts) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        int attempt = ctx.getInfo().getAttempt();
        attempts.incrementAndGet();
        if (attempt == 2) {
            beforeRetry.run();
        }
        try (Heartbeats beats = new Heartbeats(ctx, Duration.ofMillis(300))) {
            ActivityModel model = models.open(run, provider, prices, beats, ctx.getInfo().getActivityId() + "/" + attempt);
            Path worktree = workDir.resolve("wt").resolve("task-1-attempt-" + attempt);
            List<Message> conversation = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            try {
                for (String prompt : prompts) {
                    if (attempt == 1 && failFirstAttemptAfter > 0 && answers.size() == failFirstAttemptAfter) {
                        throw new IllegalStateException("the worker died (test)");
                    }
                    conversation.add(Message.user(prompt));
                    var r = model.chat(new ChatRequest("You work in " + worktree + ".", conversation, List.of(), 1000));
                    conversation.add(r.message());
                    answers.add(r.message().text());
                }
            } finally {
                notes.addAll(model.notes());
            }
            return answers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
