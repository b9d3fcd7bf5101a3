package dev.munero.llm.record;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes every successful exchange with the model it wraps to a JSON-lines file, one line per call, flushed as
 * it happens so a crash keeps every finished call: {@code seq}, {@code model}, the request {@code digest} (and
 * per-part digests), the {@code response} and its {@code usage}. The request itself is not stored, only its
 * digest: recordings stay small and hold no more of the repository than the model's answers do. No header or
 * key is ever written.
 *
 * <p>{@link ReplayChatModel} answers from such a file. Thread-safe: lines from parallel calls do not interleave.
 */
public final class RecordingChatModel implements ChatModel, AutoCloseable {
    /** The file and its line counter, shared by the recorders of one run's models; guarded by itself. */
    private static final class Sink {
        private final BufferedWriter out;
        private int seq;

        Sink(BufferedWriter out) {
            this.out = out;
        }
    }

    private final ChatModel delegate;
    private final Map<String, String> substitutions;
    private final Sink sink;
    private final Path file;

    /**
     * @param delegate      the model whose exchanges to record
     * @param file          the recording; created or truncated
     * @param substitutions literal replacements in tool results before digesting (see {@link ReplayChatModel})
     * @throws UncheckedIOException when the file cannot be created
     */
    public RecordingChatModel(ChatModel delegate, Path file, Map<String, String> substitutions) {
        this.delegate = delegate;
        this.substitutions = Map.copyOf(substitutions);
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.sink = new Sink(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the recording " + file + ": " + e.getMessage(), e);
        }
    }

    private RecordingChatModel(ChatModel delegate, RecordingChatModel file) {
        this.delegate = delegate;
        this.substitutions = file.substitutions;
        this.file = file.file;
        this.sink = file.sink;
    }

    /**
     * A recorder of {@code other} writing to this recording's file, its lines numbered on with this one's (a run
     * whose agent profiles use other models records them all in one file; each line names its model). Closing
     * either closes the file.
     */
    public RecordingChatModel alongside(ChatModel other) {
        return new RecordingChatModel(other, this);
    }

    @Override
    public ModelRef model() {
        return delegate.model();
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        ChatResponse response = delegate.chat(request, listener);
        Exchanges.Digest digest = Exchanges.digest(model().toString(), request, substitutions);
        synchronized (sink) {
            ObjectNode line = Exchanges.JSON.createObjectNode();
            line.put("seq", ++sink.seq);
            line.put("model", model().toString());
            line.put("digest", digest.whole());
            ObjectNode parts = line.putObject("parts");
            parts.put("system", digest.system());
            parts.put("tools", digest.tools());
            digest.messages().forEach(parts.withArray("messages")::add);
            line.set("response", Exchanges.response(response));
            line.set("usage", Exchanges.usage(response.usage()));
            try {
                sink.out.write(Exchanges.JSON.writeValueAsString(line));
                sink.out.newLine();
                sink.out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to the recording " + file + ": " + e.getMessage(), e);
            }
        }
        return response;
    }

    @Override
    public void close() {
        synchronized (sink) {
            try {
                sink.out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
