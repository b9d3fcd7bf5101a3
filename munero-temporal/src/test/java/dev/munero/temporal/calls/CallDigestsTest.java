package dev.munero.temporal.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.Message;
import dev.munero.llm.Requests;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallDigestsTest {
    private static ChatRequest task(Path worktree, String toolOutput) {
        return new ChatRequest("You work in " + worktree + ". Keep the tests green.",
                List.of(Message.user("Add a README to " + worktree + "/docs"),
                        Requests.callsReadFile("toolu_1", worktree + "/docs/index.md"),
                        Requests.toolResult("toolu_1", "read " + worktree + "/docs/index.md in 12 ms\n" + toolOutput)),
                List.of(Requests.tool("read_file")), 4096);
    }

    @Test
    void theSameCallOfTwoAttemptsOnTwoWorkersHasTheSameDigest() {
        CallDigests first = new CallDigests("anthropic:claude-sonnet-4-6", Path.of("/home/a/munero-work"));
        CallDigests second = new CallDigests("anthropic:claude-sonnet-4-6", Path.of("/srv/other/work"));

        String a = first.next(task(Path.of("/home/a/munero-work/wt/run1-task-3-attempt-1"), "# Docs"));
        String b = second.next(task(Path.of("/srv/other/work/wt/run1-task-3-attempt-2"), "# Docs"));

        assertEquals(a, b);
        assertEquals(64, a.length());
    }

    @Test
    void aDifferentConversationModelOrLimitHasAnotherDigest() {
        Path wt = Path.of("/w/wt/t-1");
        String base = new CallDigests("anthropic:m", Path.of("/w")).next(task(wt, "# Docs"));

        assertNotEquals(base, new CallDigests("anthropic:m", Path.of("/w")).next(task(wt, "# Other docs")));
        assertNotEquals(base, new CallDigests("openai:m", Path.of("/w")).next(task(wt, "# Docs")));
        ChatRequest r = task(wt, "# Docs");
        assertNotEquals(base, new CallDigests("anthropic:m", Path.of("/w"))
                .next(new ChatRequest(r.system(), r.messages(), r.tools(), 1024)));
        // a path outside the work dir is compared as it is
        assertNotEquals(new CallDigests("anthropic:m", Path.of("/w")).next(Requests.ask("look at /etc/hosts1")),
                new CallDigests("anthropic:m", Path.of("/w")).next(Requests.ask("look at /etc/hosts2")));
    }

    @Test
    void theSameRequestTwiceInOneAttemptHasTwoDigestsEqualToThoseOfTheNextAttempt() {
        CallDigests attempt1 = new CallDigests("anthropic:m", Path.of("/w"));
        CallDigests attempt2 = new CallDigests("anthropic:m", Path.of("/w"));

        String first = attempt1.next(Requests.ask("again?"));
        String second = attempt1.next(Requests.ask("again?"));

        assertNotEquals(first, second);
        assertEquals(first, attempt2.next(Requests.ask("again?")));
        assertEquals(second, attempt2.next(Requests.ask("again?")));
    }

    @Test
    void pathsUnderTheWorkDirLoseTheirDigitsButKeepTheirNames() {
        CallDigests d = new CallDigests("anthropic:m", Path.of("/w"));

        assertEquals("see <work-dir>/wt/task-#/src/A.java, then /wx/1", d.paths("see /w/wt/task-17/src/A.java, then /wx/1"));
        assertEquals("\"<work-dir>/a#\"", d.paths("\"/w/a99\""));
    }
}
