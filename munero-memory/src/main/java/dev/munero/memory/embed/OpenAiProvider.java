package dev.munero.memory.embed;

import dev.munero.llm.ProviderException;
import dev.munero.llm.ProviderException.Kind;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import java.util.Map;

/**
 * {@code provider: openai}: {@link OpenAiEmbedder} at the URL and with the key {@link Embedders} describes; the
 * model is required. Registered in munero-memory's {@code META-INF/services}.
 */
public final class OpenAiProvider implements EmbedderProvider {
    @Override
    public String name() {
        return "openai";
    }

    @Override
    public Embedder open(EmbeddingSettings settings, Map<String, String> env, UserConfig config) {
        String model = Embedders.requiredModel(settings, "text-embedding-3-small");
        String url = Embedders.url(settings, env, config, "https://api.openai.com/v1");
        String keyVariable = Providers.keyVariable(name()).orElseThrow();
        String key = Embedders.setting(env, keyVariable, config, name(), "api_key").orElseThrow(() ->
                new ProviderException(Kind.CONFIGURATION, "openai:" + model + " (" + settings.from()
                        + ") needs an API key: set " + keyVariable + " (or api_key under [providers.openai] in "
                        + config.file() + ")"));
        return new OpenAiEmbedder(url, key, model, "check " + keyVariable, Embedders.TIMEOUT);
    }
}
