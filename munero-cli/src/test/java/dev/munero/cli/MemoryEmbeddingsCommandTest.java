package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code munero memory} with {@code memory: embeddings:} in munero.yaml (issue 14): honest about what it could do. */
class MemoryEmbeddingsCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path repo;

    private Cli.Result munero(String... args) {
        return Cli.run(repo, Map.of("HOME", repo.toString()), args);
    }

    private void muneroYaml(String embeddings) throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: build\n    command: [\"true\"]\n"
                + "memory:\n  embeddings:\n" + embeddings);
    }

    @Test
    void anUnreachableEmbedderLosesNoWriteAndSearchSaysItFellBackToFullText() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        muneroYaml("    provider: ollama\n    model: nomic-embed-text\n    url: http://127.0.0.1:" + closedPort + "\n");

        Cli.Result put = munero("memory", "put", "build/tests", "run the tests with mvn verify -o");
        assertThat(put.exitCode()).as("%s", put).isZero();
        assertThat(JSON.readTree(munero("memory", "show", "build/tests", "--json").out()).path("version").asLong())
                .isEqualTo(1);

        Cli.Result search = munero("memory", "search", "tests");
        assertThat(search.exitCode()).as("%s", search).isZero();
        assertThat(search.out()).startsWith("1 hit (full-text search)\nnote: ranked by full-text only: the query "
                + "could not be embedded: ollama:nomic-embed-text at http://127.0.0.1:" + closedPort
                + "/api/embed: cannot connect");
        JsonNode found = JSON.readTree(munero("memory", "search", "tests", "--json").out());
        assertThat(found.path("mode").asString()).isEqualTo("full-text");
        assertThat(found.path("note").asString()).contains("cannot connect");
        assertThat(JSON.readTree(munero("memory", "stats", "--json").out()).path("vectors").asLong()).isZero();
    }

    @Test
    void openAiEmbeddingsWithoutAKeyAreAnErrorThatSaysWhatToSet() throws Exception {
        muneroYaml("    provider: openai\n    model: text-embedding-3-small\n");

        Cli.Result search = munero("memory", "put", "k", "v");
        assertThat(search.exitCode()).as("%s", search).isNotZero();
        assertThat(search.err()).contains("memory embeddings", "munero.yaml:5", "OPENAI_API_KEY").doesNotContain("\tat ");
    }
}
