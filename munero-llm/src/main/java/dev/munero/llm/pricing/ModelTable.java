package dev.munero.llm.pricing;

import dev.munero.llm.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Prices and limits per model, from the table shipped as {@code dev/munero/llm/models.toml} (its header cites
 * the providers' price pages and the date they were read) merged with the user's own file, whose entries
 * override or add to it field by field.
 *
 * <p>Lookup of {@code provider:model}: the exact key, then the model with a trailing date snapshot removed
 * ({@code claude-sonnet-4-5-20250929} → {@code claude-sonnet-4-5}, {@code gpt-4o-2024-08-06} → {@code gpt-4o}),
 * then {@code provider:*}. A model found nowhere is {@link ModelInfo#UNKNOWN}: its cost is reported as unknown,
 * never guessed. Immutable and thread-safe.
 */
public final class ModelTable {
    private static final String RESOURCE = "/dev/munero/llm/models.toml";
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{8}|\\d{4}-\\d{2}-\\d{2})$");

    private final Map<String, ModelInfo> models;

    private ModelTable(Map<String, ModelInfo> models) {
        this.models = Map.copyOf(models);
    }

    /** The shipped table only. */
    public static ModelTable builtIn() {
        try (InputStream in = ModelTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new ModelTable(parse(new TomlMapper().readTree(in), RESOURCE, Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shipped table with a user file merged over it.
     *
     * @param userFile a TOML file in the shipped file's format; ignored when it does not exist
     * @throws IllegalArgumentException when the user file is not valid TOML or has a bad value; the message
     *                                  names the file and the entry
     */
    public static ModelTable withUserFile(Path userFile) {
        ModelTable base = builtIn();
        if (userFile == null || !Files.isRegularFile(userFile)) {
            return base;
        }
        try {
            JsonNode tree = new TomlMapper().readTree(userFile.toFile());
            return new ModelTable(parse(tree, userFile.toString(), base.models));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(userFile + ": not valid TOML: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, ModelInfo> parse(JsonNode tree, String source, Map<String, ModelInfo> base) {
        Map<String, ModelInfo> result = new HashMap<>(base);
        for (var entry : tree.path("models").properties()) {
            String key = entry.getKey();
            JsonNode m = entry.getValue();
            ModelInfo old = base.getOrDefault(key, ModelInfo.UNKNOWN);
            try {
                result.put(key, new ModelInfo(
                        number(m, "input", old.inputUsdPerMTok()),
                        number(m, "output", old.outputUsdPerMTok()),
                        number(m, "cache_write", old.cacheWriteUsdPerMTok()),
                        number(m, "cache_read", old.cacheReadUsdPerMTok()),
                        (long) number(m, "context_window", old.contextWindow()),
                        (long) number(m, "max_output", old.maxOutput())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": models.\"" + key + "\": " + e.getMessage(), e);
            }
        }
        return result;
    }

    /** The entry's field, or {@code fallback} when absent; the caller adds the file and entry to an error. */
    private static double number(JsonNode entry, String field, double fallback) {
        JsonNode value = entry.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, was " + value);
        }
        return value.asDouble();
    }

    /** What is known of a model; {@link ModelInfo#UNKNOWN} when nothing. */
    public ModelInfo lookup(ModelRef model) {
        return find(model).orElse(ModelInfo.UNKNOWN);
    }

    /** The entry for a model, if the table has one (by exact id, undated alias or provider wildcard). */
    public Optional<ModelInfo> find(ModelRef model) {
        return find(model.provider(), model.model());
    }

    /**
     * The entry for {@code provider:model}, looked up as {@link #find(ModelRef)} does, for a provider Munero does not
     * call itself but whose usage it prices: {@code google} for Gemini CLI, whose models only a user file prices.
     */
    public Optional<ModelInfo> find(String provider, String model) {
        ModelInfo info = models.get(provider + ":" + model);
        if (info == null) {
            String undated = DATE_SUFFIX.matcher(model).replaceFirst("");
            info = models.get(provider + ":" + undated);
        }
        if (info == null) {
            info = models.get(provider + ":*");
        }
        return Optional.ofNullable(info);
    }

    /** Every key in the table, for {@code --help} texts and diagnostics. */
    public java.util.Set<String> keys() {
        return models.keySet();
    }
}
