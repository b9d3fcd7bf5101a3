package dev.munero.memory.onnx;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.munero.llm.ProviderException;
import dev.munero.llm.ProviderException.Kind;
import dev.munero.memory.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * An in-process {@link Embedder}: LangChain4j's {@link AllMiniLmL6V2QuantizedEmbeddingModel}, the sentence-transformers
 * model all-MiniLM-L6-v2 (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2) quantized to 8 bits and run
 * by ONNX Runtime; the model file and its tokenizer are inside LangChain4j's jar, so nothing is downloaded and no
 * key or server is needed. Vectors have {@value #DIMENSIONS} dimensions and are normalised (LangChain4j's
 * {@code OnnxBertBiEncoder}: mean pooling, then L2 norm). A text longer than the model's 510 word pieces is split
 * and the parts' vectors averaged (LangChain4j does this).
 *
 * <p>The model is loaded once per JVM, on the first {@link #embed} (a few seconds, about 100 MB of memory), not when
 * the embedder is made, so opening a memory bank stays fast. ONNX Runtime's and the tokenizer's native libraries are
 * unpacked by their jars into the temp directory and {@code ~/.djl.ai/tokenizers} on that first load.
 *
 * <p>Thread-safe: the model is loaded under a lock and then shared; ONNX Runtime sessions may be run from many
 * threads at once.
 */
public final class OnnxEmbedder implements Embedder {
    /** The only model this module has, as written in {@code memory: embeddings: model:}. */
    public static final String MODEL = "all-minilm-l6-v2-q";
    /** The model's vector length. */
    public static final int DIMENSIONS = 384;

    private static final Object LOCK = new Object();
    private static EmbeddingModel shared;
    private static ProviderException loadFailure;

    private final Supplier<EmbeddingModel> model;

    /** The embedder on the model shared by the JVM, loaded on first use. */
    public OnnxEmbedder() {
        this(OnnxEmbedder::sharedModel);
    }

    OnnxEmbedder(Supplier<EmbeddingModel> model) {
        this.model = model;
    }

    @Override
    public String modelId() {
        return "onnx:" + MODEL;
    }

    /**
     * {@inheritDoc}
     *
     * @throws ProviderException of kind {@code CONFIGURATION} when the model cannot be loaded (say, ONNX Runtime's
     *                           native library does not load on this platform; the message has ONNX Runtime's
     *                           reason), the same failure for every later call in this JVM; of kind
     *                           {@code MALFORMED_RESPONSE} when inference fails or returns a vector count other
     *                           than the text count
     */
    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to embed");
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (text == null || text.isEmpty()) {
                throw new IllegalArgumentException("an empty text cannot be embedded");
            }
            segments.add(TextSegment.from(text));
        }
        EmbeddingModel loaded = model.get();
        List<Embedding> embeddings;
        try {
            embeddings = loaded.embedAll(segments).content();
        } catch (RuntimeException e) {
            throw new ProviderException(Kind.MALFORMED_RESPONSE, modelId() + ": inference failed: " + e, 0, null, e);
        }
        if (embeddings.size() != texts.size()) {
            throw new ProviderException(Kind.MALFORMED_RESPONSE, modelId() + " returned " + embeddings.size()
                    + " vectors for " + texts.size() + " texts");
        }
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            vectors.add(embedding.vector());
        }
        return vectors;
    }

    private static EmbeddingModel sharedModel() {
        synchronized (LOCK) {
            if (shared == null && loadFailure == null) {
                try {
                    shared = new AllMiniLmL6V2QuantizedEmbeddingModel();
                } catch (RuntimeException | LinkageError e) {
                    loadFailure = new ProviderException(Kind.CONFIGURATION, "onnx:" + MODEL + ": the in-process model "
                            + "could not be loaded (ONNX Runtime, linux/macOS/windows on x86-64 or arm64): " + e, 0,
                            null, e);
                }
            }
            if (loadFailure != null) {
                throw loadFailure;
            }
            return shared;
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + modelId() + ", in process]";
    }
}
