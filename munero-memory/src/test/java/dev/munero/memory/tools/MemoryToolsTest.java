package dev.munero.memory.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.ToolResult;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.MemoryBank;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The memory tools on a real database file (issue 14): attribution, versions, errors, caps. */
class MemoryToolsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Author AGENT = new Author("agent-1", "t1", "r1");

    @TempDir
    Path dir;
    private MemoryBank bank;
    private Map<String, Tool> tools;
    private ToolContext context;

    @BeforeEach
    void open() {
        bank = MemoryBank.open(dir.resolve(".munero/munero.db"), Clock.systemUTC());
        tools = MemoryTools.of(bank, AGENT).stream().collect(Collectors.toMap(Tool::name, t -> t));
        context = ToolContext.builder(dir).build();
    }

    @AfterEach
    void close() {
        bank.close();
    }

    private ToolResult call(String tool, String arguments) throws Exception {
        return tools.get(tool).execute(JSON.readTree(arguments), context);
    }

    @Test
    void theThreeToolsHaveTheirNamesKindsAndObjectSchemas() {
        List<Tool> all = MemoryTools.of(bank, AGENT);

        assertThat(all).extracting(Tool::name).containsExactly("memory_store", "memory_search", "memory_get");
        assertThat(all).extracting(Tool::kind).containsExactly(ToolKind.EDIT, ToolKind.READ, ToolKind.READ);
        for (Tool t : all) {
            JsonNode schema = t.inputSchema();
            assertThat(schema.path("type").asString()).isEqualTo("object");
            assertThat(schema.path("required")).isNotEmpty();
        }
    }

    @Test
    void aStoreIsAttributedToTheToolsAuthorAndAStaleStoreIsAnErrorNamingTheCurrentVersionAndAuthor() throws Exception {
        ToolResult first = call("memory_store", "{\"key\":\"k\",\"value\":\"one\",\"tags\":[\"a\"]}");
        ToolResult again = call("memory_store", "{\"key\":\"k\",\"value\":\"two\"}");
        ToolResult stale = call("memory_store", "{\"key\":\"k\",\"value\":\"two\",\"expected_version\":7}");
        ToolResult update = call("memory_store", "{\"key\":\"k\",\"value\":\"two\",\"expected_version\":\"1\"}");

        assertThat(first.error()).isFalse();
        assertThat(first.content()).isEqualTo("stored project/k at version 1 (pass expected_version 1 to change it)");
        assertThat(again.error()).isTrue();
        assertThat(again.content()).isEqualTo("memory_store: memory entry project/k was expected to be absent but is "
                + "at version 1, written by agent agent-1, task t1, run r1; read it again and retry with expected "
                + "version 1");
        assertThat(stale.error()).isTrue();
        assertThat(stale.content()).contains("was expected at version 7 but is at version 1");
        assertThat(update.error()).as(update.content()).isFalse();
        Entry e = bank.get("project", "k").orElseThrow();
        assertThat(e.version()).isEqualTo(2);
        assertThat(e.value()).isEqualTo("two");
        assertThat(e.author()).isEqualTo(AGENT);
    }

    @Test
    void badArgumentsAreToolErrorsThatNameTheArgument() throws Exception {
        assertThat(call("memory_store", "{\"value\":\"v\"}").content())
                .isEqualTo("memory_store: 'key' is required (a string)");
        assertThat(call("memory_store", "{\"key\":\" \",\"value\":\"v\"}").content())
                .isEqualTo("memory_store: 'key' must not be empty");
        assertThat(call("memory_store", "{\"key\":\"k\",\"value\":\"v\",\"namespace\":\"team\"}").content())
                .isEqualTo("memory_store: namespace 'team' is not project, run:<run id> or agent:<agent name>");
        assertThat(call("memory_search", "{\"query\":\"x\",\"limit\":500}").content())
                .isEqualTo("memory_search: 'limit' must be between 1 and 50, got 500");
        assertThat(call("memory_get", "[1]").error()).isTrue();
        assertThat(call("memory_get", "{\"key\":\"nope\"}").content())
                .startsWith("no entry project/nope in the memory bank");
    }

    @Test
    void searchShowsTheModeAndTheStartOfEachValueAndTheOutputIsCappedByTheContext() throws Exception {
        call("memory_store", "{\"key\":\"long\",\"value\":\"needle " + "x".repeat(4993) + "\"}");

        ToolResult found = call("memory_search", "{\"query\":\"needle\"}");
        ToolResult capped = tools.get("memory_get").execute(JSON.readTree("{\"key\":\"long\"}"),
                ToolContext.builder(dir).maxOutputChars(1000).build());

        assertThat(found.content()).startsWith("1 hit (full-text search)\n\n1. project/long (note, version 1, by "
                + "agent agent-1, task t1, run r1,").contains("[... 4500 more characters: memory_get shows all]");
        assertThat(found.content().length()).isLessThan(1000);
        assertThat(capped.content().length()).isLessThan(1100);
        assertThat(capped.content()).contains("characters in");
        assertThat(call("memory_search", "{\"query\":\"absent\"}").content())
                .isEqualTo("0 hits (full-text search): nothing in the memory bank matches 'absent'");
    }
}
