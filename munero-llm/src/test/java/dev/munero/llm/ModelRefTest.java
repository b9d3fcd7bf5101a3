package dev.munero.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelRefTest {

    @Test
    void parsesProviderAndModel() {
        // when
        ModelRef ref = ModelRef.parse("anthropic:claude-sonnet-4-6");

        // then
        assertThat(ref.provider()).isEqualTo("anthropic");
        assertThat(ref.model()).isEqualTo("claude-sonnet-4-6");
        assertThat(ref).hasToString("anthropic:claude-sonnet-4-6");
    }

    @Test
    void keepsColonsAfterTheFirstInTheModelName() {
        // when
        ModelRef ref = ModelRef.parse("ollama:qwen3-coder:30b");

        // then
        assertThat(ref.provider()).isEqualTo("ollama");
        assertThat(ref.model()).isEqualTo("qwen3-coder:30b");
        assertThat(ref).hasToString("ollama:qwen3-coder:30b");
    }

    @Test
    void rejectsANameWithoutProviderSuggestingProviderColonModel() {
        assertThatThrownBy(() -> ModelRef.parse("claude-sonnet-4-6"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no provider")
                .hasMessageContaining("provider:model")
                .hasMessageContaining("anthropic:claude-sonnet-4-6");
    }

    @Test
    void rejectsAnUnknownProviderListingTheKnownOnes() {
        assertThatThrownBy(() -> ModelRef.parse("gemini:pro"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown provider 'gemini'")
                .hasMessageContaining("anthropic, openai, ollama");
    }

    @Test
    void rejectsAnEmptyModelName() {
        assertThatThrownBy(() -> ModelRef.parse("openai:  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after 'openai:' is empty");
    }
}
