package dev.munero.llm;

import dev.munero.llm.resilience.RateLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * The user's Munero configuration file, {@code $MUNERO_CONFIG}, else {@code $XDG_CONFIG_HOME/munero/config.toml},
 * else {@code ~/.config/munero/config.toml}. Every part is optional:
 * <pre>
 * model = "anthropic:claude-sonnet-4-6"      # the default for --model
 *
 * [providers.anthropic]                      # also openai, ollama
 * api_key = "..."                            # used when ANTHROPIC_API_KEY is not set
 * base_url = "https://api.anthropic.com"     # used when ANTHROPIC_BASE_URL is not set
 * requests_per_minute = 50                   # client-side rate limits, 0 = none
 * tokens_per_minute = 400000
 * </pre>
 * Environment variables win over the file. Immutable.
 *
 * @param file  where it was read from (it may not exist)
 * @param model the default model, if set
 * @param tree  the parsed file, empty when absent
 */
public record UserConfig(Path file, Optional<String> model, JsonNode tree) {

    /**
     * Reads the file the environment points at.
     *
     * @param env the environment ({@code MUNERO_CONFIG}, {@code XDG_CONFIG_HOME}, {@code HOME})
     * @throws IllegalArgumentException when the file exists but is not valid TOML; the message names the file
     */
    public static UserConfig load(Map<String, String> env) {
        Path file = location(env);
        if (!Files.isRegularFile(file)) {
            return new UserConfig(file, Optional.empty(), new TomlMapper().createObjectNode());
        }
        try {
            JsonNode tree = new TomlMapper().readTree(file.toFile());
            JsonNode model = tree.get("model");
            return new UserConfig(file, model == null ? Optional.empty() : Optional.of(model.asString()), tree);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid TOML: " + e.getOriginalMessage(), e);
        }
    }

    /** The config directory's file for a given name ({@code models.toml} for user prices). */
    public Path sibling(String name) {
        return file.resolveSibling(name);
    }

    /**
     * Where the user's configuration file is for {@code env}, whether or not it exists: {@code $MUNERO_CONFIG}, else
     * {@code $XDG_CONFIG_HOME/munero/config.toml}, else {@code $HOME/.config/munero/config.toml}.
     */
    public static Path location(Map<String, String> env) {
        String explicit = env.get("MUNERO_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("munero").resolve("config.toml");
    }

    /** A string setting of a provider's section, e.g. {@code providerValue("anthropic", "api_key")}. */
    public Optional<String> providerValue(String provider, String key) {
        JsonNode value = tree.path("providers").path(provider).get(key);
        return value == null || value.asString("").isBlank() ? Optional.empty() : Optional.of(value.asString());
    }

    /**
     * The provider's client-side rate limits; none when unset.
     *
     * @throws IllegalArgumentException when a limit is negative; the message names the file and section
     */
    public RateLimits rateLimits(String provider) {
        JsonNode section = tree.path("providers").path(provider);
        try {
            return new RateLimits(section.path("requests_per_minute").asInt(0),
                    section.path("tokens_per_minute").asInt(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": [providers." + provider + "]: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "UserConfig[" + file + "]";
    }
}
