package dev.munero.llm;

import java.util.Objects;
import java.util.Set;

/**
 * A model named as {@code provider:model}, e.g. {@code anthropic:claude-sonnet-4-6}, {@code openai:gpt-5-mini},
 * {@code ollama:qwen3-coder}. The model part may itself contain colons ({@code ollama:qwen3-coder:30b}).
 *
 * @param provider one of {@link #PROVIDERS}
 * @param model    the provider's model id
 */
public record ModelRef(String provider, String model) {
    /** Providers Munero speaks to: the Anthropic Messages API, OpenAI Chat Completions, and Ollama through it. */
    public static final Set<String> PROVIDERS = Set.of("anthropic", "openai", "ollama");

    /** Munero's default model, {@code anthropic:claude-sonnet-4-6}; named in hints. */
    public static final String DEFAULT = "anthropic:claude-sonnet-4-6";

    public ModelRef {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (!PROVIDERS.contains(provider)) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'; use one of anthropic, openai, "
                    + "ollama (e.g. " + DEFAULT + ", the default)");
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("the model name after '" + provider + ":' is empty");
        }
    }

    /**
     * Parses {@code provider:model}.
     *
     * @throws IllegalArgumentException when there is no colon, the provider is unknown or the model is empty;
     *                                  the message says what a valid value looks like
     */
    public static ModelRef parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("model '" + text + "' has no provider; write provider:model, e.g. "
                    + "anthropic:" + text + " or openai:" + text);
        }
        return new ModelRef(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
    }

    @Override
    public String toString() {
        return provider + ":" + model;
    }
}
