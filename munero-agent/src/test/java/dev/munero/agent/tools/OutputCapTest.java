package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputCapTest {
    @TempDir
    Path dir;

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    @Test
    void leavesShortTextAlone() {
        assertThat(OutputCap.cap("short\n", 1_000)).isEqualTo("short\n");
    }

    @Test
    void keepsWholeLinesAtTheHeadAndTailAndSaysHowMuchWasCut() {
        String text = lines(1, 1_000);

        String capped = OutputCap.cap(text, 1_000);

        assertThat(capped).startsWith("line 1\nline 2\n").endsWith("line 999\nline 1000\n");
        assertThat(capped.length()).isLessThan(1_100);
        String marker = capped.lines().filter(l -> l.startsWith("[...")).findFirst().orElseThrow();
        int keptLines = (int) capped.lines().filter(l -> l.startsWith("line ")).count();
        assertThat(marker).matches("\\[\\.\\.\\. \\d+ characters in " + (1_000 - keptLines) + " lines cut \\.\\.\\.]");
    }

    @Test
    void readsOnlyTheHeadAndTailOfALargeFileAndCountsTheLinesBetween() throws Exception {
        Path file = Files.writeString(dir.resolve("big.log"), lines(1, 100_000));

        String capped = OutputCap.capFile(file, 2_000);

        assertThat(capped).startsWith("line 1\n").endsWith("line 100000\n");
        int keptLines = (int) capped.lines().filter(l -> l.startsWith("line ")).count();
        long keptBytes = capped.lines().filter(l -> l.startsWith("line ")).mapToLong(l -> l.length() + 1).sum();
        assertThat(capped).contains("[... " + (Files.size(file) - keptBytes) + " bytes in " + (100_000 - keptLines)
                + " lines cut ...]");
    }

    @Test
    void givesTheLastLinesOfAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("step.log"), lines(1, 50));

        assertThat(OutputCap.lastLines(file, 3)).containsExactly("line 48", "line 49", "line 50");
    }
}
