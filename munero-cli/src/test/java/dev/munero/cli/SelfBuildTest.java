package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Munero builds itself: a copy of this repository, auto-detected as a Maven reactor, builds, then is all CACHED. */
class SelfBuildTest {
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".munero", "node_modules", "examples");

    @TempDir
    Path copy;

    @Test
    void muneroBuildsItsOwnRepositoryAndTheSecondRunIsAllCached() throws Exception {
        Path repoRoot = Path.of("").toAbsolutePath().getParent();
        assumeTrue(Files.isExecutable(repoRoot.resolve("mvnw")), "runs from the munero-cli module of a checkout");
        copyTree(repoRoot, copy);

        Cli.Result graph = Cli.run("graph", "-C", copy.toString());
        assertThat(graph.out()).contains("auto-detected: maven", "munero-engine:build", "munero-cli:build  <- ");

        Cli.Result first = Cli.run("build", "-C", copy.toString(), "--json", "munero-cli:build");
        assertThat(first.exitCode()).as(first.err()).isZero();
        BuildReport cold = JsonMapper.builder().build().readValue(first.out(), BuildReport.class);
        assertThat(cold.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(copy.resolve("munero-cli/target/munero.jar")).exists();

        Cli.Result second = Cli.run("build", "-C", copy.toString(), "--json", "munero-cli:build");
        BuildReport warm = JsonMapper.builder().build().readValue(second.out(), BuildReport.class);
        assertThat(warm.steps()).extracting(StepResult::status).containsOnly(StepStatus.CACHED);
        assertThat(warm.steps()).hasSameSizeAs(cold.steps());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && SKIPPED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
