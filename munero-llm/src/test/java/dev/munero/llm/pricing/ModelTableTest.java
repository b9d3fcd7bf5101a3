package dev.munero.llm.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.munero.llm.ModelRef;
import dev.munero.llm.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTableTest {
    private static final ModelRef SONNET = ModelRef.parse("anthropic:claude-sonnet-4-6");

    @TempDir
    Path dir;

    private Path userFile(String toml) throws IOException {
        Path file = dir.resolve("models.toml");
        Files.writeString(file, toml);
        return file;
    }

    @Test
    void theShippedTablePricesKnownModelsAndKnowsTheirContextWindow() {
        // when
        ModelInfo sonnet = ModelTable.builtIn().lookup(SONNET);

        // then
        assertThat(sonnet.priced()).isTrue();
        assertThat(sonnet.inputUsdPerMTok()).isPositive();
        assertThat(sonnet.outputUsdPerMTok()).isGreaterThan(sonnet.inputUsdPerMTok());
        assertThat(sonnet.cacheReadUsdPerMTok()).isPositive().isLessThan(sonnet.inputUsdPerMTok());
        assertThat(sonnet.contextWindowTokens()).isPresent();
        assertThat(ModelTable.builtIn().keys()).contains("anthropic:claude-sonnet-4-6", "ollama:*");
    }

    @Test
    void everyShippedEntryIsPricedWithLimits() {
        ModelTable table = ModelTable.builtIn();

        for (String key : table.keys()) {
            ModelInfo info = table.lookup(ModelRef.parse(key));
            assertThat(info.priced()).as(key).isTrue();
            assertThat(info.contextWindow()).as(key).isPositive();
            assertThat(info.maxOutput()).as(key).isPositive();
        }
    }

    @Test
    void aDatedSnapshotFallsBackToItsAlias() {
        ModelTable table = ModelTable.builtIn();

        assertThat(table.find(ModelRef.parse("anthropic:claude-sonnet-4-6-20260101"))).contains(table.lookup(SONNET));
        assertThat(table.find(ModelRef.parse("openai:gpt-5-mini-2025-08-07")))
                .contains(table.lookup(ModelRef.parse("openai:gpt-5-mini")));
    }

    @Test
    void anyOllamaModelHitsTheWildcardAndCostsNothing() {
        // when
        ModelInfo info = ModelTable.builtIn().lookup(ModelRef.parse("ollama:qwen3-coder:30b"));

        // then
        assertThat(info.cost(new Usage(1_000_000, 1_000_000, 0, 0))).hasValue(0.0);
        assertThat(info.contextWindowTokens()).isPresent();
    }

    @Test
    void anUnknownModelHasAnUnknownCost() {
        // when
        ModelTable table = ModelTable.builtIn();
        ModelRef unknown = ModelRef.parse("openai:gpt-nonexistent");

        // then
        assertThat(table.find(unknown)).isEmpty();
        assertThat(table.lookup(unknown)).isSameAs(ModelInfo.UNKNOWN);
        assertThat(ModelInfo.UNKNOWN.cost(new Usage(100, 10, 0, 0))).isEmpty();
        assertThat(ModelInfo.UNKNOWN.priced()).isFalse();
        assertThat(ModelInfo.UNKNOWN.contextWindowTokens()).isEmpty();
    }

    @Test
    void aUserFileOverridesOneFieldOfAnEntryAndAddsNewEntries() throws IOException {
        // given
        ModelInfo shipped = ModelTable.builtIn().lookup(SONNET);
        Path file = userFile("""
                [models."anthropic:claude-sonnet-4-6"]
                input = 2.5

                [models."ollama:qwen3:32b"]
                context_window = 131072

                [models."openai:my-finetune"]
                input = 1.0
                output = 4.0
                """);

        // when
        ModelTable table = ModelTable.withUserFile(file);

        // then the override changes only its field
        ModelInfo sonnet = table.lookup(SONNET);
        assertThat(sonnet.inputUsdPerMTok()).isEqualTo(2.5);
        assertThat(sonnet.outputUsdPerMTok()).isEqualTo(shipped.outputUsdPerMTok());
        assertThat(sonnet.cacheReadUsdPerMTok()).isEqualTo(shipped.cacheReadUsdPerMTok());
        assertThat(sonnet.contextWindow()).isEqualTo(shipped.contextWindow());
        // and a new entry starts from nothing known
        ModelInfo finetune = table.lookup(ModelRef.parse("openai:my-finetune"));
        assertThat(finetune.cost(new Usage(1_000_000, 1_000_000, 0, 0))).hasValue(5.0);
        assertThat(finetune.cost(new Usage(0, 0, 0, 10))).isEmpty();
        assertThat(finetune.contextWindowTokens()).isEmpty();
        // and an exact entry wins over the wildcard, which stays for other models
        assertThat(table.lookup(ModelRef.parse("ollama:qwen3:32b")).contextWindow()).isEqualTo(131072);
        assertThat(table.lookup(ModelRef.parse("ollama:qwen3:32b")).priced()).isFalse();
        assertThat(table.lookup(ModelRef.parse("ollama:llama3")).priced()).isTrue();
    }

    @Test
    void anAbsentUserFileLeavesTheShippedTable() {
        ModelTable table = ModelTable.withUserFile(dir.resolve("missing.toml"));

        assertThat(table.keys()).isEqualTo(ModelTable.builtIn().keys());
        assertThat(ModelTable.withUserFile(null).lookup(SONNET)).isEqualTo(ModelTable.builtIn().lookup(SONNET));
    }

    @Test
    void aPriceThatIsNotANumberFailsNamingTheFileAndEntry() throws IOException {
        Path file = userFile("""
                [models."openai:gpt-5-mini"]
                input = "0.25"
                """);

        assertThatThrownBy(() -> ModelTable.withUserFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("models.\"openai:gpt-5-mini\"")
                .hasMessageContaining("input must be a number");
    }

    @Test
    void aNegativePriceFailsNamingTheFileAndEntry() throws IOException {
        Path file = userFile("""
                [models."openai:cheap"]
                output = -1.0
                """);

        assertThatThrownBy(() -> ModelTable.withUserFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("models.\"openai:cheap\"")
                .hasMessageContaining("cannot be negative");
    }

    @Test
    void aUserFileThatIsNotTomlFailsNamingTheFile() throws IOException {
        Path file = userFile("[models.\"openai:x\"\ninput = 1\n");

        assertThatThrownBy(() -> ModelTable.withUserFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": not valid TOML");
    }

    @Test
    void costSumsEachTokenKindAtItsPricePerMillion() {
        // given
        ModelInfo info = new ModelInfo(3.0, 15.0, 3.75, 0.30, 200_000, 64_000);

        // when
        double usd = info.cost(new Usage(1_000, 2_000, 4_000, 10_000)).orElseThrow();

        // then
        assertThat(usd).isCloseTo((1_000 * 3.0 + 2_000 * 15.0 + 4_000 * 3.75 + 10_000 * 0.30) / 1e6,
                within(1e-12));
    }

    @Test
    void aMissingCacheReadPriceMakesTheCostUnknownOnlyWhenCacheReadTokensWereUsed() {
        // given the shipped entry with no cache_read price
        ModelInfo mini = ModelTable.builtIn().lookup(ModelRef.parse("openai:gpt-5.4-mini"));

        // then
        assertThat(mini.priced()).isTrue();
        assertThat(mini.cost(new Usage(1_000_000, 0, 0, 0))).hasValue(mini.inputUsdPerMTok());
        assertThat(mini.cost(new Usage(1_000_000, 0, 0, 1))).isEmpty();
    }

    @Test
    void pricesAndLimitsCannotBeNegative() {
        assertThatThrownBy(() -> new ModelInfo(-1, 1, 1, 1, 0, 0)).hasMessageContaining("cannot be negative: -1");
        assertThatThrownBy(() -> new ModelInfo(1, 1, 1, 1, -5, 0)).hasMessageContaining("cannot be negative");
    }
}
