package dev.munero.memory.embed;

import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigValue;
import dev.munero.llm.UserConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Which embedding endpoint the memory bank uses, from {@code memory: embeddings:} in the repository's munero.yaml,
 * else {@code [memory.embeddings]} in the user config file ({@link UserConfig}):
 * <pre>
 * memory:                          # munero.yaml        [memory.embeddings]             # config.toml
 *   embeddings:                                         provider = "ollama"
 *     provider: openai             # ollama, onnx       model = "nomic-embed-text"
 *     model: text-embedding-3-small                     url = "http://127.0.0.1:11434"  # optional
 *     url: https://api.openai.com/v1   # optional
 * </pre>
 * {@code provider: onnx} (the optional module munero-memory-onnx) needs neither model nor URL.
 * Without either, the memory bank has no embedder and its search is full-text only.
 *
 * @param provider the {@link EmbedderProvider#name()}: {@code openai}, {@code ollama}, {@code onnx}, ...
 * @param model    the provider's model name, e.g. {@code text-embedding-3-small}; empty when not written (the
 *                 provider then uses its default or says the model is missing)
 * @param url      the endpoint root when set here; else the provider's usual variable and default apply (see
 *                 {@link Embedders#open})
 * @param from     where these settings were written ({@code file:line:col} or the user config file), named in
 *                 error messages
 */
public record EmbeddingSettings(String provider, Optional<String> model, Optional<String> url, String from) {

    /**
     * Validates the shape; whether a provider of that name is on the class path is {@link Embedders#open}'s check.
     *
     * @throws IllegalArgumentException when the provider is missing or not a lower-case word, or the model is
     *                                  present but blank; the message names {@code from}
     */
    public EmbeddingSettings {
        if (provider == null || !provider.matches("[a-z][a-z0-9_-]*")) {
            throw new IllegalArgumentException(from + ": memory.embeddings.provider must be openai, ollama or onnx, "
                    + "not '" + provider + "'");
        }
        if (model.isPresent() && model.get().isBlank()) {
            throw new IllegalArgumentException(from + ": memory.embeddings.model is blank");
        }
    }

    /**
     * The settings in force for a repository.
     *
     * @param repo   the repository root; its munero.yaml may be absent
     * @param config the user config
     * @return empty when neither file configures embeddings
     * @throws ConfigException          when munero.yaml exists but is not valid (the schema checks the keys)
     * @throws IllegalArgumentException when a value is wrong (see the constructor)
     */
    public static Optional<EmbeddingSettings> resolve(Path repo, UserConfig config) throws ConfigException {
        Path yaml = repo.resolve("munero.yaml");
        if (Files.isRegularFile(yaml)) {
            ConfigValue section = ConfigLoader.section(yaml, "memory").get("embeddings");
            if (section != null) {
                return Optional.of(of(section.value(), section.location().toString()));
            }
        }
        JsonNode user = config.tree().path("memory").path("embeddings");
        if (user.isObject()) {
            return Optional.of(of(user, config.file() + " [memory.embeddings]"));
        }
        return Optional.empty();
    }

    private static EmbeddingSettings of(JsonNode node, String from) {
        String url = node.path("url").asString("").strip();
        String model = node.path("model").asString("").strip();
        return new EmbeddingSettings(node.path("provider").asString(""),
                model.isEmpty() ? Optional.empty() : Optional.of(model),
                url.isEmpty() ? Optional.empty() : Optional.of(url), from);
    }
}
