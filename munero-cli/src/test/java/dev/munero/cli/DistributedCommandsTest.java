package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code munero worker} and {@code munero run --temporal} without the optional module munero-temporal (munero-cli's
 * class path never has it): each says how to add it; the run's own flags are checked first (issue 16.2).
 */
class DistributedCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void aWorkerWithoutTheModuleSaysHowToStartMuneroWithIt() {
        Cli.Result r = Cli.run(tmp, Map.of(), "worker", "--temporal", "127.0.0.1:7233", "--task-queue", "app");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("the optional module munero-temporal is not on munero's class path")
                .contains("MUNERO_WITH=temporal ./munero worker --temporal 127.0.0.1:7233 --task-queue app");
    }

    @Test
    void aDistributedRunNeedsAGitRemoteAndTheModuleAndItsFlagsGoWithTemporal() throws Exception {
        Files.writeString(tmp.resolve("SPEC.md"), "# build it\n");
        Cli.Result noRemote = Cli.run(tmp, Map.of(), "run", "--spec", "SPEC.md", "--temporal", "127.0.0.1:7233");
        assertThat(noRemote.exitCode()).isEqualTo(2);
        assertThat(noRemote.err()).contains("--temporal needs --git-remote URL");

        Cli.Result alone = Cli.run(tmp, Map.of(), "run", "--spec", "SPEC.md", "--git-remote", "/srv/x.git");
        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.err()).contains("--task-queue and --git-remote go with --temporal HOST:PORT");

        Cli.Result replayed = Cli.run(tmp, Map.of(), "run", "--spec", "SPEC.md", "--temporal", "h:1", "--git-remote",
                "/srv/x.git", "--replay", "rec.jsonl");
        assertThat(replayed.exitCode()).isEqualTo(2);
        assertThat(replayed.err()).contains("cannot be used with --temporal");

        Cli.Result missing = Cli.run(tmp, Map.of(), "run", "--spec", "SPEC.md", "--temporal", "127.0.0.1:7233",
                "--git-remote", "/srv/x.git");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("MUNERO_WITH=temporal ./munero run --temporal 127.0.0.1:7233");
    }
}
