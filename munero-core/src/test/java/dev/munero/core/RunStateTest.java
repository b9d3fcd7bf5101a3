package dev.munero.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunStateTest {

    @Test
    void theHappyPathGoesThroughEveryStateInOrder() {
        RunState state = RunState.INITIALIZING;
        state = state.moveTo(RunState.CONFIGURING_MCP).moveTo(RunState.PREPARING_BUILD).moveTo(RunState.BUILDING)
                .moveTo(RunState.PAUSED).moveTo(RunState.BUILDING).moveTo(RunState.COMPLETING);

        assertThat(state.isFinal()).isTrue();
    }

    @Test
    void anIllegalTransitionNamesBothStatesAndTheAllowedOnes() {
        assertThatThrownBy(() -> RunState.INITIALIZING.moveTo(RunState.BUILDING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from Initializing to Building")
                .hasMessageContaining("ConfiguringMCP");
        assertThatThrownBy(() -> RunState.COMPLETING.moveTo(RunState.BUILDING))
                .hasMessageContaining("Completing is final");
    }

    @Test
    void everyStateButTheFinalOnesCanFailOrPause() {
        for (RunState state : RunState.values()) {
            if (state.isFinal()) {
                assertThat(state.next()).isEmpty();
            } else {
                assertThat(state.next()).contains(RunState.FAILED);
                assertThat(state == RunState.PAUSED || state.next().contains(RunState.PAUSED)).isTrue();
            }
        }
    }

    @Test
    void labelsRoundTrip() {
        for (RunState state : RunState.values()) {
            assertThat(RunState.ofLabel(state.label())).isEqualTo(state);
        }
        assertThat(RunState.CONFIGURING_MCP.label()).isEqualTo("ConfiguringMCP");
        assertThatThrownBy(() -> RunState.ofLabel("Sleeping")).hasMessageContaining("unknown run state 'Sleeping'");
    }
}
