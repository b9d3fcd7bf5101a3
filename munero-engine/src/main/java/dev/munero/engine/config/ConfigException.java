package dev.munero.engine.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A build definition that cannot be used: bad YAML, a schema violation, an unknown step or
 * profile, a dependency cycle. The message lists every problem found, one per line, each with
 * {@code file:line:col}.
 */
public final class ConfigException extends Exception {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(ConfigProblem problem) {
        this(List.of(problem));
    }

    /** The problems, in file order; never empty. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
