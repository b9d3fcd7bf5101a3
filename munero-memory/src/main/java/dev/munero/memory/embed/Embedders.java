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

/**
 * Builds the {@link Embedder} that {@link EmbeddingSettings} name, with keys and base URLs found as munero-llm's
 * chat providers find them ({@link Providers}): for {@code openai}, the key from {@code OPENAI_API_KEY}, else
 * {@code api_key} under {@code [providers.openai]} in the user config; the URL from the settings' {@code url},
 * else {@code OPENAI_BASE_URL}, else {@code base_url} under {@code [providers.openai]}, else
 * {@code https://api.openai.com/v1}. For {@code ollama}: no key; the URL from {@code url}, else {@code OLLAMA_HOST},
 * else {@code base_url} under {@code [providers.ollama]}, else {@code http://127.0.0.1:11434}.
 */
public final class Embedders {
    /** The longest one embedding request may take; generous, because Ollama loads the model on first use. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    private Embedders() {
    }

    /**
     * Builds the embedder; nothing is sent.
     *
     * @param settings what is configured
     * @param env      the environment
     * @param config   the user config
     * @throws ProviderException of kind {@code CONFIGURATION} when OpenAI's key is missing (the message names the
     *                           variable to set) or the URL is not an http(s) URL
     */
    public static Embedder open(EmbeddingSettings settings, Map<String, String> env, UserConfig config) {
        String provider = settings.provider();
        String variable = Providers.baseUrlVariable(provider);
        String url = settings.url().or(() -> setting(env, variable, config, provider, "base_url"))
                .orElse("openai".equals(provider) ? "https://api.openai.com/v1" : "http://127.0.0.1:11434");
        if ("ollama".equals(provider)) {
            url = Providers.ollamaRoot(url);
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ProviderException(Kind.CONFIGURATION, settings.from() + ": the embeddings URL for " + provider
                    + " is not an http(s) URL: " + url);
        }
        if ("ollama".equals(provider)) {
            return new OllamaEmbedder(url, settings.model(), TIMEOUT);
        }
        String keyVariable = Providers.keyVariable(provider).orElseThrow();
        String key = setting(env, keyVariable, config, provider, "api_key").orElseThrow(() -> new ProviderException(
                Kind.CONFIGURATION, "openai:" + settings.model() + " (" + settings.from()
                + ") needs an API key: set " + keyVariable + " (or api_key under [providers.openai] in "
                + config.file() + ")"));
        return new OpenAiEmbedder(url, key, settings.model(), "check " + keyVariable, TIMEOUT);
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
     * @throws ProviderException        of kind {@code CONFIGURATION} when OpenAI's key is missing or the URL is not
     *                                  an http(s) URL
     */
    public static Optional<Embedder> forRepository(Path repo, Map<String, String> env, UserConfig config)
            throws ConfigException {
        Optional<EmbeddingSettings> settings = EmbeddingSettings.resolve(repo, config);
        return settings.isEmpty() ? Optional.empty() : Optional.of(open(settings.get(), env, config));
    }

    private static Optional<String> setting(Map<String, String> env, String variable, UserConfig config,
                                            String provider, String key) {
        String value = env.get(variable);
        return value != null && !value.isBlank() ? Optional.of(value.strip()) : config.providerValue(provider, key);
    }
}
