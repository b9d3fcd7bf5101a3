package dev.munero.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"500ms, 500", "30s, 30000", "10m, 600000", "2h, 7200000", "7d, 604800000", "2w, 1209600000", "45, 45000", "' 5s ', 5000", "0, 0"})
    void parsesANumberWithAUnitOrWholeSeconds(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "10y", "1.5d", "1.5s", "-3s", "s", "30 s", "1h30m"})
    void rejectsOtherFormsQuotingTheText(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration; write e.g. 500ms, 30s, 10m, 2h, 7d or 2w");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"99999999999999999999s", "9999999999999999h", "99999999999999999w"})
    void rejectsDurationsTooLongForJava(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is too long a duration");
    }

    @org.junit.jupiter.api.Test
    void acceptsTheReadmesMaxAgeOfSevenDays() { // issue 11.8
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({"500, 500ms", "1500, 1500ms", "1000, 1s", "90000, 90s", "600000, 10m", "5400000, 90m", "7200000, 2h", "86400000, 1d", "90000000, 25h", "604800000, 1w", "1209600000, 2w", "0, 0s"})
    void formatsTheShortestExactFormWhichParsesBack(long millis, String text) {
        // when
        String formatted = Durations.format(Duration.ofMillis(millis));

        // then
        assertThat(formatted).isEqualTo(text);
        assertThat(Durations.parse(formatted)).isEqualTo(Duration.ofMillis(millis));
    }
}
