package dev.munero.llm.fake;

import java.io.IOException;

/**
 * A strict fake of the Anthropic Messages API (https://docs.anthropic.com/en/api/messages) for contract tests:
 * {@code POST /v1/messages} only, with {@code x-api-key: <apiKey>}, {@code anthropic-version: <version>} and
 * {@code content-type: application/json}. The body rules are in {@link AnthropicRequestValidator}, the wire format
 * of replies in {@link AnthropicProtocol}; everything else is {@link FakeLlmServer}'s.
 *
 * <p>Point a provider at {@link #baseUrl()} ({@code http://127.0.0.1:<port>/v1}); a client that appends
 * {@code /v1/messages} to a root URL wants {@code baseUrl()} without the {@code /v1}.
 */
public final class FakeAnthropicServer extends FakeLlmServer {
    /** The API version header value the fake expects unless told otherwise. */
    public static final String DEFAULT_VERSION = "2023-06-01";

    public FakeAnthropicServer(String apiKey) {
        this(apiKey, DEFAULT_VERSION);
    }

    public FakeAnthropicServer(String apiKey, String anthropicVersion) {
        super(new AnthropicProtocol(apiKey, anthropicVersion));
    }

    private FakeAnthropicServer(AnthropicProtocol protocol) {
        super(protocol);
    }

    /**
     * The fake for Claude Code (seen with 2.1.197), strict in the same way, that also accepts exactly what Claude
     * Code sends besides Munero's own requests: the query {@code ?beta=true} on {@code /v1/messages}, the top-level
     * {@code context_management} and {@code output_config} and {@code thinking: {"type":"adaptive"}} (see
     * {@code AnthropicRequestValidator#validate(JsonNode, Problems, boolean)}), and its connection warm-up
     * {@code HEAD /}, which is answered 200 and listed in {@link #warmUps()} without using an expectation. Point
     * {@code ANTHROPIC_BASE_URL} at {@link #baseUrl()} without its {@code /v1}.
     */
    public static FakeAnthropicServer forClaudeCode(String apiKey) {
        return new FakeAnthropicServer(new AnthropicProtocol(apiKey, DEFAULT_VERSION, true));
    }

    @Override
    public FakeAnthropicServer start() throws IOException {
        super.start();
        return this;
    }
}
