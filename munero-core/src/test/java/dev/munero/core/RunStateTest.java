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
        assertThat(state.isFinal()).isFalse(); // a run killed while completing is finished by its next session
        state = state.moveTo(RunState.COMPLETED);

        assertThat(state.isFinal()).isTrue(); // issue 11.4
        assertThat(state.label()).isEqualTo("Completed");
    }

    @Test
    void anIllegalTransitionNamesBothStatesAndTheAllowedOnes() {
        assertThatThrownBy(() -> RunState.INITIALIZING.moveTo(RunState.BUILDING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from Initializing to Building")
                .hasMessageContaining("ConfiguringMCP");
        assertThatThrownBy(() -> RunState.COMPLETED.moveTo(RunState.BUILDING))
                .hasMessageContaining("Completed is final; only munero rollback reopens it");
    }

    @Test
    void everyStateButTheFinalOnesCanFailOrPause() {
        for (RunState state : RunState.values()) {
            if (state.isFinal()) {
                assertThat(state.next()).containsExactly(RunState.PAUSED); // a rollback reopens it
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
