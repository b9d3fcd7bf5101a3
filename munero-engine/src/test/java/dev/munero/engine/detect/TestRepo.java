package dev.munero.engine.detect;

import dev.munero.engine.config.StepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import tools.jackson.databind.json.JsonMapper;

/** Writes small repositories for detector tests; paths are relative to {@link #root()}. */
final class TestRepo {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root;

    TestRepo(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** A view of the subdirectory {@code dir}; files written through it land below that directory. */
    TestRepo in(String dir) {
        return new TestRepo(root.resolve(dir));
    }

    TestRepo file(String rel, String content) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code value} (maps, lists, strings) as JSON. */
    TestRepo json(String rel, Object value) {
        return file(rel, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    TestRepo executable(String rel, String content) {
        file(rel, content);
        if (!root.resolve(rel).toFile().setExecutable(true)) {
            throw new IllegalStateException("cannot make " + rel + " executable");
        }
        return this;
    }

    TestRepo dir(String rel) {
        try {
            Files.createDirectories(root.resolve(rel));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The step with this name. */
    static StepSpec step(List<StepSpec> steps, String name) {
        return steps.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no step " + name + " among " + names(steps)));
    }

    static List<String> names(List<StepSpec> steps) {
        return steps.stream().map(StepSpec::name).toList();
    }

    /** The argv of the step with this name. */
    static List<String> argv(List<StepSpec> steps, String name) {
        return step(steps, name).command().toArgv();
    }

    /** A package.json body. */
    static Map<String, Object> pkg(String name, Map<String, String> scripts, Map<String, String> dependencies) {
        return Map.of("name", name, "version", "1.0.0", "scripts", scripts, "dependencies", dependencies);
    }
}
