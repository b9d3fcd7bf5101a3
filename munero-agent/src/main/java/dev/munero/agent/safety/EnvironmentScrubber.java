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
 * <p>The list is one POSIX extended regular expression, matched case-insensitively anywhere in a name, in the
 * resource {@value #NAMES_RESOURCE} (next to this class). The {@code ./munero} launcher reads the same file to move
 * these variables out of Munero's own process environment before it starts the JVM (see {@code LauncherSecrets} in
 * munero-cli), so both always agree on what a secret is.
 *
 * <p>Thread-safe: stateless.
 */
public final class EnvironmentScrubber {
    /** The resource, relative to this class, that holds the secret-name expression (one line, POSIX ERE). */
    public static final String NAMES_RESOURCE = "secret-names.ere";
    private static final Pattern SECRET = Pattern.compile(".*(" + names() + ").*", Pattern.CASE_INSENSITIVE);

    private EnvironmentScrubber() {
    }

    private static String names() {
        try (var in = EnvironmentScrubber.class.getResourceAsStream(NAMES_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + NAMES_RESOURCE + " is missing from Munero's jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the resource " + NAMES_RESOURCE, e);
        }
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
