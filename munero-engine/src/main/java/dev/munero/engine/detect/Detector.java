package dev.munero.engine.detect;

import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A {@link BuildSystemDetector} that works on a shared {@link RepoTree}, so {@link AutoDetector} walks
 * the repository once for all detectors, and that reports warnings besides steps.
 *
 * <p>Implementations are stateless and thread-safe.
 */
interface Detector extends BuildSystemDetector {

    /** The exact file names this detector needs the walk to record, e.g. {@code pom.xml}. */
    Set<String> buildFileNames();

    /**
     * The steps and warnings for every project of this build system in {@code tree}.
     *
     * @throws DetectionException when a build file exists but cannot be read or parsed (the message
     *                            names the file)
     */
    Detection scan(RepoTree tree) throws DetectionException;

    @Override
    default List<StepSpec> detect(Path root) throws DetectionException {
        return scan(RepoTree.scan(root, buildFileNames())).steps();
    }
}
