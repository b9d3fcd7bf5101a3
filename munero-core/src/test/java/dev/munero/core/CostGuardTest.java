package dev.munero.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.Message;
import dev.munero.llm.ScriptedChatModel;
import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelInfo;
import java.util.List;
import java.util.OptionalDouble;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The guards of a run's models (issue 14, per-profile models): one budget account, each model at its own prices. */
class CostGuardTest {
    /** USD per million tokens: input, output, cache write, cache read. */
    private static final ModelInfo DEAR = new ModelInfo(10, 100, 12.5, 1, 200_000, 64_000);
    private static final ModelInfo CHEAP = new ModelInfo(1, 1, 1, 0.1, 200_000, 64_000);
    /** At most 10,000 output tokens: a worst case of about $1.00 on DEAR and $0.01 on CHEAP. */
    private static final ChatRequest REQUEST = new ChatRequest("", List.of(Message.user("hello")), List.of(), 10_000);

    @Test
    void aGuardOfAnotherModelReservesAndPricesAtItsOwnPricesAgainstTheSameBudget() throws Exception {
        CostGuard run = new CostGuard(new ScriptedChatModel("anthropic:claude-sonnet-4-6"), DEAR,
                OptionalDouble.of(0.5), 0.002);
        ScriptedChatModel mini = new ScriptedChatModel("openai:gpt-5-mini")
                .thenAnswer(ScriptedChatModel.reply("done", new Usage(1000, 100, 0, 0)));
        CostGuard profile = run.withModel(mini, CHEAP);

        assertThat(profile.model().toString()).isEqualTo("openai:gpt-5-mini");
        assertThat(profile.prices()).isEqualTo(CHEAP);
        // the run's model could cost $1 and is refused; the cheap model's worst case fits
        assertThatThrownBy(() -> run.reserve(REQUEST)).isInstanceOf(BudgetExceededException.class);
        CostGuard.Reservation held = profile.reserve(REQUEST);
        assertThat(held.heldUsd()).isCloseTo(0.01, Offset.offset(0.001));
        profile.send(held, REQUEST, t -> { });

        // priced at the cheap model's prices, spent from the one account both guards see
        double call = (1000 * 1.0 + 100 * 1.0) / 1e6;
        assertThat(profile.spentUsd()).isCloseTo(0.002 + call, Offset.offset(1e-12));
        assertThat(run.spentUsd()).isCloseTo(0.002 + call, Offset.offset(1e-12));
    }

    @Test
    void whatOneModelHoldsInFlightCountsAgainstTheOthersReservations() {
        CostGuard run = new CostGuard(new ScriptedChatModel("anthropic:claude-sonnet-4-6"), CHEAP,
                OptionalDouble.of(0.015), 0);
        CostGuard other = run.withModel(new ScriptedChatModel("anthropic:claude-haiku-4-5"), CHEAP);

        run.reserve(REQUEST); // about $0.01 held

        assertThatThrownBy(() -> other.reserve(REQUEST)).isInstanceOf(BudgetExceededException.class);
    }
}
