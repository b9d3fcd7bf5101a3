package dev.munero.engine.detect;

import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the projects of one build system in a repository and turns them into steps.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface BuildSystemDetector {

    /** Short id used in messages and step origins: maven, npm, cargo, go, python, gradle, make. */
    String id();

    /**
     * The steps for every project of this build system under {@code root}.
     *
     * @param root absolute, normalised repository root
     * @return steps whose names are unique among themselves and whose {@code dependsOn} names only
     *         steps of this list; empty when the build system is not used
     * @throws DetectionException when a build file exists but cannot be read or parsed (the message
     *                            names the file)
     */
    List<StepSpec> detect(Path root) throws DetectionException;
}
