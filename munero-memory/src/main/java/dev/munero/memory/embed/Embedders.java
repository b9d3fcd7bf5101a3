package dev.munero.memory.embed;

import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ProviderException;
import dev.munero.llm.ProviderException.Kind;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Builds the {@link Embedder} that {@link EmbeddingSettings} name, through the {@link EmbedderProvider} of that
 * name found with {@link ServiceLoader} on Munero's class path: {@code openai} and {@code ollama} (this module),
 * {@code onnx} (the optional module {@code munero-memory-onnx}).
 *
 * <p>The HTTP providers find keys and base URLs as munero-llm's chat providers do ({@link Providers}): for
 * {@code openai}, the key from {@code OPENAI_API_KEY}, else {@code api_key} under {@code [providers.openai]} in the
 * user config; the URL from the settings' {@code url}, else {@code OPENAI_BASE_URL}, else {@code base_url} under
 * {@code [providers.openai]}, else {@code https://api.openai.com/v1}. For {@code ollama}: no key; the URL from
 * {@code url}, else {@code OLLAMA_HOST}, else {@code base_url} under {@code [providers.ollama]}, else
 * {@code http://127.0.0.1:11434}.
 */
public final class Embedders {
    /** The longest one embedding request may take; generous, because Ollama loads the model on first use. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * Providers that live in optional modules, and how a user adds each: named when the settings ask for one that is
     * not on the class path, so the error says what to do instead of "unknown provider".
     */
    private static final Map<String, String> OPTIONAL = Map.of("onnx", "the in-process embedder (all-MiniLM-L6-v2, "
            + "ONNX) is in the optional module munero-memory-onnx, which is not on Munero's class path: start Munero "
            + "with it, e.g. 'MUNERO_WITH=onnx ./munero memory search ...' (the launcher builds the module's jar the "
            + "first time, about 130 MB), or put munero-memory-onnx.jar on the class path after munero.jar; see "
            + "README.md, 'In-process embeddings (optional module)'");

    private Embedders() {
    }

    /**
     * Builds the embedder; nothing is sent and no model is loaded.
     *
     * @param settings what is configured
     * @param env      the environment
     * @param config   the user config
     * @throws ProviderException        of kind {@code CONFIGURATION} when the provider is not on the class path
     *                                  (the message says how to add its module), OpenAI's key is missing (the
     *                                  message names the variable to set) or the URL is not an http(s) URL
     * @throws IllegalArgumentException when the model is missing and the provider has no default, or is not one
     *                                  the provider has (the message names where the settings are written)
     */
    public static Embedder open(EmbeddingSettings settings, Map<String, String> env, UserConfig config) {
        Map<String, EmbedderProvider> available = available();
        EmbedderProvider provider = available.get(settings.provider());
        if (provider == null) {
            String why = OPTIONAL.get(settings.provider());
            throw new ProviderException(Kind.CONFIGURATION, settings.from() + ": memory.embeddings.provider is '"
                    + settings.provider() + "', but " + (why != null ? why : "no embedder of that name is on the "
                    + "class path (available: " + String.join(", ", available.keySet()) + "; onnx with the optional "
                    + "module munero-memory-onnx)"));
        }
        return provider.open(settings, env, config);
    }

    /**
     * The embedder a repository's settings configure ({@link EmbeddingSettings#resolve}), for
     * {@code MemoryBank.open(file, clock, embedder)}; nothing is sent.
     *
     * @param repo   the repository root; its munero.yaml may be absent
     * @param env    the environment
     * @param config the user config
     * @return empty when no embedder is configured (search is then full-text only)
     * @throws ConfigException          when munero.yaml exists but is not valid
     * @throws IllegalArgumentException when a setting is wrong (the message names where it is written)
     * @throws ProviderException        of kind {@code CONFIGURATION} as {@link #open} says
     */
    public static Optional<Embedder> forRepository(Path repo, Map<String, String> env, UserConfig config)
            throws ConfigException {
        Optional<EmbeddingSettings> settings = EmbeddingSettings.resolve(repo, config);
        return settings.isEmpty() ? Optional.empty() : Optional.of(open(settings.get(), env, config));
    }

    /** The providers on the class path by name, sorted. */
    static Map<String, EmbedderProvider> available() {
        Map<String, EmbedderProvider> byName = new TreeMap<>();
        for (EmbedderProvider provider : ServiceLoader.load(EmbedderProvider.class, Embedders.class.getClassLoader())) {
            byName.putIfAbsent(provider.name(), provider);
        }
        return byName;
    }

    /** The settings' model, which an HTTP provider requires; {@code example} goes into the message. */
    static String requiredModel(EmbeddingSettings settings, String example) {
        return settings.model().orElseThrow(() -> new IllegalArgumentException(settings.from()
                + ": memory.embeddings.model is missing (e.g. " + example + ")"));
    }

    /** The endpoint root of an HTTP provider, as the class comment says. */
    static String url(EmbeddingSettings settings, Map<String, String> env, UserConfig config, String fallback) {
        String provider = settings.provider();
        String url = settings.url().or(() -> setting(env, Providers.baseUrlVariable(provider), config, provider,
                "base_url")).orElse(fallback);
        if ("ollama".equals(provider)) {
            url = Providers.ollamaRoot(url);
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ProviderException(Kind.CONFIGURATION, settings.from() + ": the embeddings URL for " + provider
                    + " is not an http(s) URL: " + url);
        }
        return url;
    }

    static Optional<String> setting(Map<String, String> env, String variable, UserConfig config, String provider,
                                    String key) {
        String value = env.get(variable);
        return value != null && !value.isBlank() ? Optional.of(value.strip()) : config.providerValue(provider, key);
    }
}
