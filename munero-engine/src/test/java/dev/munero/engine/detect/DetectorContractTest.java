package dev.munero.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.config.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link BuildSystemDetector} contract, run against every detector: each detector's test extends
 * this class and supplies a typical project of its build system.
 */
abstract class DetectorContractTest {

    @TempDir
    Path root;

    /** The detector under test. */
    abstract Detector detector();

    /** Writes a project of the detector's build system that yields at least two steps. */
    abstract void writeTypicalProject(TestRepo repo);

    TestRepo repo() {
        return new TestRepo(root);
    }

    List<StepSpec> detect() throws DetectionException {
        return detector().detect(root);
    }

    Detection scan() throws DetectionException {
        return detector().scan(RepoTree.scan(root, detector().buildFileNames()));
    }

    @Test
    void findsNothingInAnEmptyRepository() throws Exception {
        // given an empty directory
        // when / then
        assertThat(detect()).isEmpty();
    }

    @Test
    void yieldsUniqueNamesAndDependsOnlyOnItsOwnSteps() throws Exception {
        // given
        writeTypicalProject(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        List<String> names = TestRepo.names(steps);
        assertThat(names).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
        Set<String> deps = steps.stream().flatMap(s -> s.dependsOn().stream()).collect(Collectors.toSet());
        assertThat(names).containsAll(deps);
    }

    @Test
    void listsStepsSortedByNameWithWorkingDirectoriesThatExist() throws Exception {
        // given
        writeTypicalProject(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(TestRepo.names(steps)).isSorted();
        assertThat(steps).allSatisfy(s -> assertThat(Files.isDirectory(root.resolve(s.cwd()))).as(s.cwd()).isTrue());
    }

    @Test
    void yieldsTheSameStepsOnEveryRun() throws Exception {
        // given
        writeTypicalProject(repo());

        // when
        List<StepSpec> first = detect();
        List<StepSpec> second = detect();

        // then
        assertThat(second).isEqualTo(first);
    }

    @Test
    void ignoresProjectsInsideSkippedAndHiddenDirectories() throws Exception {
        // given
        for (String dir : List.of("node_modules/dep", ".git/modules/x", "target/copy", "vendor/x", ".hidden/x")) {
            writeTypicalProject(repo().in(dir));
        }

        // when / then
        assertThat(detect()).isEmpty();
    }

    @Test
    void ignoresProjectsDeeperThanTheWalkGoes() throws Exception {
        // given a project 7 directory levels below the root
        writeTypicalProject(repo().in("a/b/c/d/e/f/g"));

        // when / then
        assertThat(detect()).isEmpty();
    }
}
