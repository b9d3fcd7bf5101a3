package dev.munero.engine.build;

import dev.munero.engine.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the last builds left for the next one, per step: its latest cache key (to explain a miss by
 * comparing fingerprints) and duration (to order ready steps by critical path). Kept in
 * {@code .munero/state/steps.json}, replaced atomically.
 *
 * <p>Not thread-safe; the scheduler owns it.
 */
final class BuildState {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Path file;
    private final Map<String, Last> steps;

    /** @param key latest cache key, @param durationMillis latest run time when it really ran */
    record Last(String key, long durationMillis) {
    }

    private BuildState(Path file, Map<String, Last> steps) {
        this.file = file;
        this.steps = steps;
    }

    /** Loads the state; a missing or unreadable file is an empty state (it only guides, never decides). */
    static BuildState load(Path stateDir) {
        Path file = stateDir.resolve("state").resolve("steps.json");
        try {
            Map<String, Last> m = JSON.readValue(Files.readAllBytes(file), new TypeReference<TreeMap<String, Last>>() {
            });
            return new BuildState(file, m == null ? new TreeMap<>() : m);
        } catch (NoSuchFileException e) {
            return new BuildState(file, new TreeMap<>());
        } catch (IOException | JacksonException e) {
            return new BuildState(file, new TreeMap<>());
        }
    }

    Last last(String step) {
        return steps.get(step);
    }

    void record(String step, String key, long durationMillis) {
        steps.put(step, new Last(key, durationMillis));
    }

    /** Writes the state atomically. */
    void save() throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(steps));
    }
}
