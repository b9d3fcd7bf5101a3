package dev.munero.agent.safety;

import dev.munero.llm.UserConfig;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The last line of defence for a key: removes the values of Munero's secrets from every tool result before the model
 * sees it. The secrets are the values (8 characters or more) of the variables {@link EnvironmentScrubber} treats as
 * secret in Munero's own environment, and every {@code api_key} of the user config's {@code [providers.*]} tables.
 * It catches a key printed as it is (a build step that cats the user config without the sandbox), not one encoded
 * first (base64, reversed): the sandbox is what keeps those out of reach.
 *
 * <p>Immutable and thread-safe.
 *
 * @param secrets the values to remove, longest first
 */
public record SecretRedactor(List<String> secrets) {
    /** What a secret is replaced with. */
    public static final String REDACTED = "[redacted]";
    private static final int MIN_LENGTH = 8;

    public SecretRedactor {
        secrets = secrets.stream().filter(s -> s != null && s.length() >= MIN_LENGTH).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /**
     * The secrets of {@code env} and of the user config it points at.
     *
     * @param env Munero's own environment, before scrubbing
     */
    public static SecretRedactor of(Map<String, String> env) {
        Set<String> values = new LinkedHashSet<>();
        env.forEach((name, value) -> {
            if (EnvironmentScrubber.isSecret(name)) {
                values.add(value);
            }
        });
        try {
            JsonNode providers = UserConfig.load(env).tree().path("providers");
            for (JsonNode provider : providers) {
                JsonNode key = provider.get("api_key");
                if (key != null && key.isString()) {
                    values.add(key.asString());
                }
            }
        } catch (IllegalArgumentException e) {
            // an unreadable user config holds no key Munero uses; the provider reports the file itself
        }
        return new SecretRedactor(List.copyOf(values));
    }

    /** {@code text} with every secret replaced by {@value #REDACTED}. */
    public String redact(String text) {
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, REDACTED);
            }
        }
        return out;
    }
}
