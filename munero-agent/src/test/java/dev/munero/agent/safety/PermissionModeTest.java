package dev.munero.agent.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PermissionModeTest {

    @Test
    void parsesTheCommandLineNames() {
        assertThat(PermissionMode.parse("ask")).isEqualTo(PermissionMode.ASK);
        assertThat(PermissionMode.parse("auto-edit")).isEqualTo(PermissionMode.AUTO_EDIT);
        assertThat(PermissionMode.parse("Full")).isEqualTo(PermissionMode.FULL);
        assertThat(PermissionMode.AUTO_EDIT.cliName()).isEqualTo("auto-edit");
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> PermissionMode.parse("yolo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown permission mode 'yolo'; valid modes: ask, auto-edit, full");
    }
}
