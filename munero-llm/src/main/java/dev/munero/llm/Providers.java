package dev.munero.llm;

import dev.munero.llm.internal.LangChain4jChatModel;
import dev.munero.llm.resilience.RateLimitedChatModel;
import dev.munero.llm.resilience.RateLimits;
import dev.munero.llm.resilience.RetrySettings;
import dev.munero.llm.resilience.RetryingChatModel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Opens a {@link ChatModel} for a {@code provider:model}, with keys and base URLs from the environment variables
 * users already set for these tools, else the {@link UserConfig} file:
 * <table>
 *   <caption>where settings come from</caption>
 *   <tr><th>provider</th><th>key</th><th>base URL (default)</th></tr>
 *   <tr><td>anthropic</td><td>{@code ANTHROPIC_API_KEY}</td><td>{@code ANTHROPIC_BASE_URL}
 *       (https://api.anthropic.com)</td></tr>
 *   <tr><td>openai</td><td>{@code OPENAI_API_KEY}</td><td>{@code OPENAI_BASE_URL} (https://api.openai.com/v1)</td></tr>
 *   <tr><td>ollama</td><td>none</td><td>{@code OLLAMA_HOST} (http://127.0.0.1:11434), through its OpenAI-compatible
 *       {@code /v1} API</td></tr>
 * </table>
 * The model returned retries ({@link RetryingChatModel}) and, when limits are set, rate-limits
 * ({@link RateLimitedChatModel}).
 */
public final class Providers {
    private Providers() {
    }

    /**
     * How to open a model.
     *
     * @param streaming  use the streaming (SSE) endpoints
     * @param timeout    the longest one HTTP call may take
     * @param retry      retry settings
     * @param rateLimits client-side limits; {@link RateLimits#NONE} to take them from the user config
     * @param onRetry    told before each retry waits
     */
    public record Options(boolean streaming, Duration timeout, RetrySettings retry, RateLimits rateLimits,
                          Consumer<RetryingChatModel.Retry> onRetry) {
        public static Options defaults() {
            return new Options(false, Duration.ofMinutes(10), RetrySettings.DEFAULTS, RateLimits.NONE, r -> { });
        }
    }

    /**
     * Opens a model.
     *
     * @throws ProviderException of kind {@code CONFIGURATION} when the provider's key is missing (the message
     *                           names the variable to set) or a base URL is not a URL; nothing is sent
     */
    public static ChatModel open(ModelRef model, Map<String, String> env, UserConfig config, Options options) {
        LangChain4jChatModel.Connection connection = connection(model, env, config, options);
        ChatModel chat = new RetryingChatModel(new LangChain4jChatModel(model, connection), options.retry(),
                options.onRetry());
        RateLimits limits = options.rateLimits().any() ? options.rateLimits() : config.rateLimits(model.provider());
        return limits.any() ? new RateLimitedChatModel(chat, limits) : chat;
    }

    /** The environment variable that holds a provider's key, or empty for providers that need none. */
    public static Optional<String> keyVariable(String provider) {
        return switch (provider) {
            case "anthropic" -> Optional.of("ANTHROPIC_API_KEY");
            case "openai" -> Optional.of("OPENAI_API_KEY");
            default -> Optional.empty();
        };
    }

    /** The environment variable that sets a provider's base URL: ANTHROPIC_BASE_URL, OPENAI_BASE_URL, OLLAMA_HOST. */
    public static String baseUrlVariable(String provider) {
        return switch (provider) {
            case "anthropic" -> "ANTHROPIC_BASE_URL";
            case "openai" -> "OPENAI_BASE_URL";
            default -> "OLLAMA_HOST";
        };
    }

    static LangChain4jChatModel.Connection connection(ModelRef model, Map<String, String> env, UserConfig config,
                                                      Options options) {
        String provider = model.provider();
        String urlVariable = baseUrlVariable(provider);
        Optional<String> configured = setting(env, urlVariable, config, provider, "base_url");
        String baseUrl = switch (provider) {
            case "anthropic" -> withV1(configured.orElse("https://api.anthropic.com"));
            case "openai" -> configured.orElse("https://api.openai.com/v1");
            default -> withV1(ollamaRoot(configured.orElse("http://127.0.0.1:11434")));
        };
        String from = env.get(urlVariable) != null && !env.get(urlVariable).isBlank() ? urlVariable
                : configured.isPresent() ? "base_url under [providers." + provider + "] in " + config.file()
                : "the default";
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "the base URL for " + provider
                    + " is not an http(s) URL: " + baseUrl);
        }
        Optional<String> variable = keyVariable(provider);
        String key;
        if (variable.isPresent()) {
            key = setting(env, variable.get(), config, provider, "api_key").orElseThrow(() -> new ProviderException(
                    ProviderException.Kind.CONFIGURATION, model + " needs an API key: set " + variable.get()
                    + " (or api_key under [providers." + provider + "] in " + config.file() + ")"));
        } else {
            key = config.providerValue(provider, "api_key").orElse("ollama");
        }
        return new LangChain4jChatModel.Connection(baseUrl, key, variable.orElse(null), options.timeout(),
                options.streaming(), from, urlVariable);
    }

    private static Optional<String> setting(Map<String, String> env, String variable, UserConfig config,
                                            String provider, String key) {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            return Optional.of(value.trim());
        }
        return config.providerValue(provider, key);
    }

    private static String withV1(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return trimmed.endsWith("/v1") ? trimmed : trimmed + "/v1";
    }

    /**
     * OLLAMA_HOST may be {@code host:port}, {@code host} or {@code 0.0.0.0} (a bind address), as Ollama itself
     * accepts. Like Ollama's client ({@code envconfig.Host} in github.com/ollama/ollama), only a host without a
     * scheme defaults to port 11434; an {@code http://} or {@code https://} URL keeps its scheme's default port.
     * Returns Ollama's root URL (without {@code /v1}), e.g. {@code http://127.0.0.1:11434}; the memory bank's
     * Ollama embedder uses it too.
     */
    public static String ollamaRoot(String host) {
        boolean schemeless = !host.contains("://");
        String h = (schemeless ? "http://" + host : host).replace("://0.0.0.0", "://127.0.0.1");
        // a host name, an IPv4 address or a bracketed IPv6 address, without a port
        boolean noPort = h.matches("http://([^/:\\[\\]]+|\\[[^\\]/]+\\])/?");
        return schemeless && noPort ? h.replaceFirst("/?$", ":11434") : h;
    }
}
