package dev.munero.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.ProviderException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorsTest {
    private static final ModelRef MODEL = ModelRef.parse("anthropic:claude-sonnet-4-6");

    private static ProviderException classify(Throwable thrown) {
        return Errors.classify(thrown, MODEL, new LangChain4jChatModel.Connection("http://127.0.0.1:9/v1", "k",
                "ANTHROPIC_API_KEY", Duration.ofMinutes(1), false, "ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL"));
    }

    @Test
    void readsTypeAndMessageOfAnAnthropicErrorBody() {
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
                + "\"request_id\":\"req_1\"}";

        assertThat(Errors.errorMessage(body)).isEqualTo("overloaded_error: Overloaded");
    }

    @Test
    void readsTypeAndMessageOfAnOpenAiErrorBody() {
        String body = """
                {
                  "error": {
                    "message": "Rate limit reached for gpt-5-mini",
                    "type": "requests",
                    "param": null,
                    "code": "rate_limit_exceeded"
                  }
                }""";

        assertThat(Errors.errorMessage(body)).isEqualTo("requests: Rate limit reached for gpt-5-mini");
    }

    @Test
    void anErrorWithoutTypeIsJustItsMessage() {
        assertThat(Errors.errorMessage("{\"error\":{\"message\":\"model not found\"}}")).isEqualTo("model not found");
    }

    @Test
    void aBodyThatIsNotAnErrorObjectIsShownAsItsFirstLine() {
        assertThat(Errors.errorMessage("<html><title>502 Bad Gateway</title>\n<body>nginx</body></html>"))
                .isEqualTo("<html><title>502 Bad Gateway</title>");
        assertThat(Errors.errorMessage("{\"error\":\"model 'x' not found\"}"))
                .isEqualTo("{\"error\":\"model 'x' not found\"}");
        assertThat(Errors.errorMessage("  ")).isEqualTo("(empty body)");
        assertThat(Errors.errorMessage(null)).isEqualTo("(empty body)");
    }

    @Test
    void aLongFirstLineIsCut() {
        assertThat(Errors.errorMessage("x".repeat(1000))).hasSize(303).endsWith("...");
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({"429, RATE_LIMITED", "529, OVERLOADED", "500, SERVER_ERROR", "503, SERVER_ERROR",
            "408, SERVER_ERROR", "401, AUTHENTICATION", "403, PERMISSION", "400, INVALID_REQUEST",
            "404, INVALID_REQUEST"})
    void classifiesAnHttpStatus(int status, Kind kind) {
        // when
        ProviderException e = classify(new RuntimeException("wrapped",
                new StatusException(status, "{\"error\":{\"message\":\"boom\"}}", null)));

        // then
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.status()).hasValue(status);
        assertThat(e.getMessage()).startsWith("anthropic:claude-sonnet-4-6 returned HTTP " + status + ": boom");
    }

    @Test
    void keepsTheServersRetryAfter() {
        ProviderException e = classify(new StatusException(429, "{}", Duration.ofSeconds(7)));

        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.retriable()).isTrue();
    }

    @Test
    void anAuthenticationFailureNamesTheKeyVariable() {
        ProviderException e = classify(new StatusException(401, "{\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"invalid x-api-key\"}}", null));

        assertThat(e.getMessage()).endsWith("authentication_error: invalid x-api-key; check ANTHROPIC_API_KEY");
    }

    @Test
    void aConnectionFailureAnywhereInTheCauseChainIsRetriable() {
        ProviderException e = classify(new RuntimeException(new RuntimeException(
                new ConnectException("Connection refused"))));

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.getMessage()).contains("ConnectException: Connection refused");
    }

    @Test
    void aTimeoutIsATimeout() {
        assertThat(classify(new RuntimeException(new HttpTimeoutException("request timed out"))).kind())
                .isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void aBrokenJsonResponseIsMalformedNotAConnectionFailure() {
        // given a Jackson parse error, which is also an IOException in Jackson 2
        Throwable parse = new RuntimeException(new tools.jackson.core.exc.StreamReadException(null,
                "Unexpected character ('<')"));

        assertThat(classify(parse).kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(classify(new Transport.MalformedEvent("message_start", new IOException("bad"))).kind())
                .isEqualTo(Kind.MALFORMED_RESPONSE);
    }

    @Test
    void aProviderExceptionInTheChainIsKept() {
        ProviderException original = new ProviderException(Kind.CONFIGURATION, "no key");

        assertThat(classify(new RuntimeException(original))).isSameAs(original);
    }

    @Test
    void anythingElseIsAnUnexpectedResponse() {
        ProviderException e = classify(new IllegalStateException("no choices"));

        assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).contains("unexpected response: IllegalStateException: no choices");
    }
}
