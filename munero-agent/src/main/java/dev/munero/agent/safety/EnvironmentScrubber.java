package dev.munero.agent.safety;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Removes secrets from an environment before commands see it: a command the model writes could print or send
 * them. A variable is a secret when its name contains (case-insensitive) {@code API_KEY}, {@code APIKEY},
 * {@code TOKEN}, {@code SECRET}, {@code PASSWORD}, {@code PASSWD}, {@code CREDENTIAL(S)}, {@code PRIVATE_KEY} or
 * {@code ACCESS_KEY} — e.g. {@code ANTHROPIC_API_KEY}, {@code OPENAI_API_KEY}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code GITHUB_TOKEN}, {@code GOOGLE_APPLICATION_CREDENTIALS}. Everything else ({@code PATH}, {@code HOME},
 * {@code LANG}, {@code JAVA_HOME}, ...) is kept.
 *
 * <p>Thread-safe: stateless.
 */
public final class EnvironmentScrubber {
    private static final Pattern SECRET = Pattern.compile(
            ".*(API_KEY|APIKEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|PRIVATE_KEY|ACCESS_KEY).*",
            Pattern.CASE_INSENSITIVE);

    private EnvironmentScrubber() {
    }

    /** Whether a variable named {@code name} is treated as a secret. */
    public static boolean isSecret(String name) {
        return SECRET.matcher(name).matches();
    }

    /**
     * A copy of {@code env} without its secrets.
     *
     * @param env an environment, e.g. {@link System#getenv()}; not changed
     * @return an unmodifiable map, sorted by name
     */
    public static Map<String, String> scrub(Map<String, String> env) {
        Map<String, String> kept = new TreeMap<>();
        env.forEach((name, value) -> {
            if (!isSecret(name)) {
                kept.put(name, value);
            }
        });
        return java.util.Collections.unmodifiableMap(kept);
    }
}
