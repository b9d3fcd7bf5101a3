package dev.munero.engine.cache.remote;

import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigValue;
import dev.munero.engine.config.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Which remote cache a build uses (issue 16), from, highest first: {@code --remote-cache URL} (the URL only; the other
 * keys still come from the files), {@code cache: remote:} in the workspace's munero.yaml, {@code [cache.remote]} in the
 * user config ({@code ~/.config/munero/config.toml}):
 * <pre>
 * cache:                                   # munero.yaml            [cache.remote]          # config.toml
 *   remote:                                                         url = "http://127.0.0.1:8080"
 *     url: http://127.0.0.1:8080                                    protocol = "turborepo"
 *     mode: readwrite      # read | write | readwrite (default)     team = "web"
 *     protocol: bazel      # bazel (default) | turborepo
 *     token: ...           # better: MUNERO_REMOTE_CACHE_TOKEN
 *     team: web            # turborepo: the teamId query parameter
 *     timeout: 10s         # one request's limit
 * </pre>
 * The token comes from {@code MUNERO_REMOTE_CACHE_TOKEN}, else (protocol {@code turborepo}) turbo's own
 * {@code TURBO_TOKEN}, else the file's {@code token}; the team from {@code team}, else {@code TURBO_TEAM}, else
 * {@code munero}. The token is never part of {@link #toString()} or any message.
 *
 * @param url      the server's root, http or https, without a trailing slash
 * @param mode     what the build does with it
 * @param protocol how it is spoken to
 * @param token    the bearer token, if any
 * @param team     the Turborepo team ({@code teamId}); unused by the Bazel protocol
 * @param timeout  the time limit of one request (also the connect limit)
 * @param source   where the URL was set: {@code --remote-cache}, {@code munero.yaml:4:5}, or the user config file
 */
public record RemoteCacheSettings(URI url, Mode mode, Protocol protocol, Optional<String> token, String team,
                                  Duration timeout, String source) {
    /** The variable whose value is the token; it wins over the files. */
    public static final String TOKEN_VARIABLE = "MUNERO_REMOTE_CACHE_TOKEN";
    /** The request time limit when none is set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** What a build does with the remote cache. */
    public enum Mode {
        /** Restore from it, never upload. */
        READ,
        /** Upload to it, never restore (e.g. only CI fills it). */
        WRITE,
        /** Both. */
        READWRITE;

        /** Whether hits are looked up remotely. */
        public boolean reads() {
            return this != WRITE;
        }

        /** Whether results are uploaded. */
        public boolean writes() {
            return this != READ;
        }
    }

    /** The wire protocol. */
    public enum Protocol {
        /** Bazel's HTTP cache protocol: {@code GET/PUT/HEAD /ac/<sha256>} and {@code /cas/<sha256>}. */
        BAZEL,
        /** The Turborepo remote cache API: {@code GET/PUT/HEAD /v8/artifacts/<hash>?teamId=<team>}. */
        TURBOREPO
    }

    /**
     * Validates.
     *
     * @throws IllegalArgumentException when the URL is not http(s) or the timeout is not positive; the message names
     *                                  {@code source}
     */
    public RemoteCacheSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(source, "source");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException(source + ": the remote cache URL must be http://HOST[:PORT][/PATH] or "
                    + "https://..., not '" + url + "'");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(source + ": the remote cache timeout must be more than 0, was " + timeout);
        }
        team = team == null || team.isBlank() ? "munero" : team;
    }

    /**
     * The settings in force for a workspace.
     *
     * @param root       the workspace root; its munero.yaml may be absent
     * @param flagUrl    {@code --remote-cache URL}, or null
     * @param env        the environment (the token variables, {@code TURBO_TEAM})
     * @param userConfig the parsed user config ({@code [cache.remote]} is read from it); an empty node when absent
     * @param userFile   the user config's path, for messages
     * @return empty when nothing configures a remote cache
     * @throws ConfigException          when munero.yaml exists but is not valid (its schema checks the keys)
     * @throws IllegalArgumentException when a value is wrong; the message names where it is written
     */
    public static Optional<RemoteCacheSettings> resolve(Path root, String flagUrl, Map<String, String> env,
                                                        JsonNode userConfig, Path userFile) throws ConfigException {
        JsonNode node = null;
        String from = null;
        Path yaml = root.resolve(ConfigLoader.FILE_NAME);
        if (Files.isRegularFile(yaml)) {
            ConfigValue cache = ConfigLoader.section(yaml, "cache").get("remote");
            if (cache != null) {
                node = cache.value();
                from = cache.location().toString();
            }
        }
        if (node == null && userConfig != null && userConfig.path("cache").path("remote").isObject()) {
            node = userConfig.path("cache").path("remote");
            from = userFile + " [cache.remote]";
        }
        if (flagUrl == null && node == null) {
            return Optional.empty();
        }
        String where = from;
        JsonNode section = node;
        String url = flagUrl != null ? flagUrl : text(node, "url").orElseThrow(() -> new IllegalArgumentException(
                where + ": cache.remote has no url (e.g. url = \"http://127.0.0.1:8080\")"));
        String source = flagUrl != null ? "--remote-cache" : from;
        Mode mode = enumValue(node, "mode", Mode.class, Mode.READWRITE, from);
        Protocol protocol = enumValue(node, "protocol", Protocol.class, Protocol.BAZEL, from);
        Optional<String> token = variable(env, TOKEN_VARIABLE)
                .or(() -> protocol == Protocol.TURBOREPO ? variable(env, "TURBO_TOKEN") : Optional.empty())
                .or(() -> text(section, "token"));
        String team = text(node, "team").or(() -> variable(env, "TURBO_TEAM")).orElse("munero");
        Duration timeout = DEFAULT_TIMEOUT;
        Optional<String> t = text(node, "timeout");
        if (t.isPresent()) {
            try {
                timeout = Durations.parse(t.get());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(from + ": cache.remote.timeout: " + e.getMessage(), e);
            }
        }
        URI uri;
        try {
            uri = new URI(url.strip().replaceAll("/+$", ""));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(source + ": the remote cache URL '" + url + "' is not a URL: "
                    + e.getReason(), e);
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException(source + ": write the remote cache's credentials as a token ("
                    + TOKEN_VARIABLE + "), not in the URL");
        }
        return Optional.of(new RemoteCacheSettings(uri, mode, protocol, token, team, timeout, source));
    }

    private static Optional<String> text(JsonNode node, String key) {
        if (node == null) {
            return Optional.empty();
        }
        JsonNode v = node.get(key);
        return v == null || v.isNull() || v.asString("").isBlank() ? Optional.empty() : Optional.of(v.asString().strip());
    }

    private static Optional<String> variable(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static <E extends Enum<E>> E enumValue(JsonNode node, String key, Class<E> type, E fallback, String from) {
        Optional<String> v = text(node, key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, v.get().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.isEmpty() ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(from + ": cache.remote." + key + " must be one of " + allowed + ", not '"
                    + v.get() + "'", e);
        }
    }

    /** Mode, protocol, URL and source; never the token. */
    @Override
    public String toString() {
        return protocol.name().toLowerCase(Locale.ROOT) + " cache " + url + " (" + mode.name().toLowerCase(Locale.ROOT)
                + (token.isPresent() ? ", with a token" : "") + ", from " + source + ")";
    }
}
