package dev.munero.agent.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApproverTest {

    @Test
    void withoutATerminalFailsAtOnceSayingWhatToUseInstead() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                assertThatThrownBy(() -> Approver.noTerminal().approve("run_command", "npm install"))
                        .isInstanceOf(PermissionException.class)
                        .hasMessageContaining("run_command: npm install")
                        .hasMessageContaining("no terminal")
                        .hasMessageContaining("--permission-mode auto-edit or full")
                        .hasMessageContaining("--allow"));
    }

    @Test
    void onAConsoleAsksAndApprovesOnlyAYes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Approver approver = Approver.console(new BufferedReader(new StringReader("y\nno\n\nYES\n")),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(approver.approve("run_command", "mvn test")).isTrue();
        assertThat(approver.approve("run_command", "rm -r build")).isFalse();
        assertThat(approver.approve("write_file", "a.txt")).isFalse();
        assertThat(approver.approve("edit_file", "b.txt")).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Allow run_command: mvn test? [y/N] ");
    }

    @Test
    void onAConsoleWhoseInputEndedFailsInsteadOfRefusingForever() {
        Approver approver = Approver.console(new BufferedReader(new StringReader("")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThatThrownBy(() -> approver.approve("run_command", "make"))
                .isInstanceOf(PermissionException.class).hasMessageContaining("input ended");
    }

    @Test
    void alwaysAndNeverAnswerWithoutAsking() throws Exception {
        assertThat(Approver.always().approve("run_command", "x")).isTrue();
        assertThat(Approver.never().approve("run_command", "x")).isFalse();
    }
}
