package dev.munero.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusExceptionTest {
    /** Sun, 06 Nov 1994 08:49:37 GMT, the example date of RFC 9110 section 5.6.7. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("1994-11-06T08:49:37Z"), ZoneOffset.UTC);

    @Test
    void readsDelaySeconds() {
        assertThat(StatusException.parseRetryAfter("30", CLOCK)).isEqualTo(Duration.ofSeconds(30));
        assertThat(StatusException.parseRetryAfter(" 0 ", CLOCK)).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsFractionalSeconds() {
        assertThat(StatusException.parseRetryAfter("1.5", CLOCK)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void readsAnHttpDateInTheFutureAsTheTimeUntilThen() {
        assertThat(StatusException.parseRetryAfter("Sun, 06 Nov 1994 08:51:07 GMT", CLOCK))
                .isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void anHttpDateInThePastMeansRetryNow() {
        assertThat(StatusException.parseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", CLOCK)).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {" ", "soon", "-5", "NaN", "Infinity", "1e3", "30d", "0x10", "Sunday"})
    void anAbsentOrUnreadableValueIsNoRetryAfter(String value) {
        assertThat(StatusException.parseRetryAfter(value, CLOCK)).isNull();
    }

    @Test
    void keepsItsStatusBodyAndRetryAfter() {
        StatusException e = new StatusException(429, "{\"error\":{}}", Duration.ofSeconds(2));

        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.getMessage()).isEqualTo("{\"error\":{}}");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(new StatusException(500, "", null).retryAfter()).isEmpty();
    }
}
