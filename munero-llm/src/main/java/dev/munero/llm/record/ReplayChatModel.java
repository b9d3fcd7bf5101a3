package dev.munero.llm.record;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.StreamListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Answers model calls from a recording made by {@link RecordingChatModel}, with no network. Each request must
 * match a recorded one: its digest (see {@link Exchanges}) equal to an exchange not yet used, taken in recorded
 * order, so parallel agents may ask in any order. A request that matches none fails loudly with a
 * {@link ProviderException} of kind {@code REPLAY_MISMATCH} saying which part differs from the next unused
 * exchange (system prompt, tools, which message) — never a made-up answer.
 *
 * <p>Thread-safe.
 */
public final class ReplayChatModel implements ChatModel {
    private record Entry(int line, String model, String digest, JsonNode parts, ChatResponse response) { }

    private final ModelRef model;
    private final Path file;
    private final Map<String, String> substitutions;
    private final List<Entry> entries;
    private final boolean[] used;

    /**
     * @param file          a recording
     * @param model         the model requests are for; null to take it from the recording
     * @param substitutions the same replacements the recording was made with
     * @throws IllegalArgumentException when the file is missing, empty or has a bad line (the message names
     *                                  {@code file:line}), or was recorded with another model
     */
    public ReplayChatModel(Path file, ModelRef model, Map<String, String> substitutions) {
        this.file = file;
        this.substitutions = Map.copyOf(substitutions);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the recording " + file + ": " + e.getMessage(), e);
        }
        List<Entry> parsed = new ArrayList<>();
        String recordedModel = null;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode line = Exchanges.JSON.readTree(text);
                String lineModel = line.path("model").asString("");
                if (recordedModel == null) {
                    recordedModel = lineModel;
                }
                parsed.add(new Entry(i + 1, lineModel, line.path("digest").asString(""), line.path("parts"),
                        Exchanges.readResponse(line.path("response"), line.path("usage"))));
            } catch (JacksonException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": not a recorded exchange: "
                        + e.getMessage(), e);
            }
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException(file + ": the recording has no exchanges");
        }
        ModelRef recorded = ModelRef.parse(recordedModel);
        if (model != null && parsed.stream().noneMatch(e -> e.model().equals(model.toString()))) {
            throw new IllegalArgumentException(file + " was recorded with " + recorded + ", not " + model
                    + "; drop --model or pass --model " + recorded);
        }
        this.model = model == null ? recorded : model;
        this.entries = List.copyOf(parsed);
        this.used = new boolean[parsed.size()];
    }

    private ReplayChatModel(ReplayChatModel recording, ModelRef model) {
        this.model = model;
        this.file = recording.file;
        this.substitutions = recording.substitutions;
        this.entries = recording.entries;
        this.used = recording.used;
    }

    /**
     * A replay of {@code other}'s calls from the same recording, sharing which exchanges are used (a run whose agent
     * profiles use other models recorded them all in one file; the model is part of each digest). A model the
     * recording has no call of fails at its first call, as any mismatch does.
     */
    public ReplayChatModel forModel(ModelRef other) {
        return new ReplayChatModel(this, other);
    }

    @Override
    public ModelRef model() {
        return model;
    }

    /** Exchanges not yet answered. */
    public int remaining() {
        synchronized (used) {
            int n = 0;
            for (boolean u : used) {
                n += u ? 0 : 1;
            }
            return n;
        }
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) {
        Exchanges.Digest digest = Exchanges.digest(model.toString(), request, substitutions);
        Entry match;
        synchronized (used) {
            int found = -1;
            int firstUnused = -1;
            for (int i = 0; i < entries.size(); i++) {
                if (!used[i]) {
                    firstUnused = firstUnused < 0 ? i : firstUnused;
                    if (entries.get(i).digest().equals(digest.whole())) {
                        found = i;
                        break;
                    }
                }
            }
            if (found < 0) {
                throw new ProviderException(ProviderException.Kind.REPLAY_MISMATCH,
                        mismatch(digest, firstUnused < 0 ? null : entries.get(firstUnused)));
            }
            used[found] = true;
            match = entries.get(found);
        }
        String text = match.response().message().text();
        if (!text.isEmpty()) {
            listener.onText(text);
        }
        return match.response();
    }

    private String mismatch(Exchanges.Digest digest, Entry next) {
        String prefix = "replay: the request does not match the recording " + file + "; ";
        if (next == null) {
            return prefix + "all " + entries.size() + " recorded exchanges are used up (the run made more model "
                    + "calls than the recorded one)";
        }
        String where = file + ":" + next.line();
        if (!next.parts().path("system").asString("").equals(digest.system())) {
            return prefix + "the system prompt differs from " + where;
        }
        if (!next.parts().path("tools").asString("").equals(digest.tools())) {
            return prefix + "the tool definitions differ from " + where;
        }
        JsonNode recorded = next.parts().path("messages");
        for (int i = 0; i < Math.max(recorded.size(), digest.messages().size()); i++) {
            if (i >= recorded.size() || i >= digest.messages().size()
                    || !recorded.get(i).asString("").equals(digest.messages().get(i))) {
                return prefix + "message " + (i + 1) + " of " + digest.messages().size() + " differs from " + where
                        + " (recorded with " + recorded.size() + " messages); the workspace or the tools' output "
                        + "is not what it was when the recording was made";
            }
        }
        return prefix + "the model or max output tokens differ from " + where;
    }
}
